import { Interface } from '../interfaces/InterfaceToken.js';
import type { AdapterLookup, AdapterMatch } from './AdapterLookup.js';
import type { AdapterToken } from './AdapterToken.js';

const MAX_CONTEXT_DEPTH = 16;

/** A view is any object with an object-valued `context`: the content it presents. */
export function contextOf(value: unknown): object | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const context = (value as { context?: unknown }).context;
  return typeof context === 'object' && context !== null ? context : undefined;
}

/**
 * The object that answers for `value` about `provides`, and its registrations: `value` itself when it
 * has a specific binding; otherwise, for a view, its context (recursively), as z3c.caching's view
 * adapters delegate; a catch-all binding on `Interface` applies only after that delegation.
 */
export function findViewAdapters<A>(
  adapters: AdapterLookup,
  value: unknown,
  provides: AdapterToken<A>,
): { readonly object: unknown; readonly matches: readonly AdapterMatch<A>[] } | undefined {
  if (!adapters.hasRegistrations(provides)) return undefined;
  let current: unknown = value;
  const visited: unknown[] = [];
  for (let depth = 0; depth < MAX_CONTEXT_DEPTH && !visited.includes(current); depth += 1) {
    visited.push(current);
    const matches = adapters.findRegistrations(current, provides);
    const context = contextOf(current);
    if (matches.some((m) => m.spec !== Interface) || (context === undefined && matches.length > 0))
      return { object: current, matches };
    if (context === undefined) return undefined;
    current = context;
  }
  return undefined;
}

/** Like `findViewAdapters`, for the unnamed adapter only. */
export function findViewAdapter<A>(
  adapters: AdapterLookup,
  value: unknown,
  provides: AdapterToken<A>,
  name = '',
): { readonly object: unknown; readonly match: AdapterMatch<A> } | undefined {
  if (!adapters.hasRegistrations(provides)) return undefined;
  // Views are one or two levels deep: a short array beats a Set for the cycle check.
  let current: unknown = value;
  const visited: unknown[] = [];
  for (let depth = 0; depth < MAX_CONTEXT_DEPTH && !visited.includes(current); depth += 1) {
    visited.push(current);
    const match = adapters.findRegistration(current, provides, name);
    const context = contextOf(current);
    if (match !== undefined && (match.spec !== Interface || context === undefined)) return { object: current, match };
    if (context === undefined) return undefined;
    current = context;
  }
  return undefined;
}
