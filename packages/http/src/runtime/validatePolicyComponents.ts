import { CachesetError, type CachePolicy, type CachingOperation, type OperationRegistry } from '@cacheset/core';
import type { ETagComponent } from '../etag/ETagComponent.js';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';

function suggestion(name: string, known: readonly string[]): string {
  const lower = name.toLowerCase();
  const close = known.find((k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(lower.slice(0, 4)));
  return close === undefined ? '' : ` Did you mean "${close}"?`;
}

/**
 * Every ETag component a mapped ruleset will use (through its operation, or the members of its chain)
 * must exist: an unknown name is a start-up error naming the ruleset, the operation and the name.
 */
export function validatePolicyComponents(
  policy: CachePolicy,
  operations: OperationRegistry,
  components: ReadonlyMap<string, ETagComponent>,
): void {
  if (policy.operationMapping === undefined) return;
  const known = [...components.keys()];
  const check = (operation: CachingOperation, ruleset: string, seen: Set<string>): void => {
    if (seen.has(operation.name)) return;
    seen.add(operation.name);
    const options = policy.resolveOptions(operation, ruleset);
    const etags = (options as { etags?: readonly string[] | null }).etags;
    for (const name of etags ?? []) {
      if (!components.has(name)) {
        throw new CachesetError(
          HttpErrorCodes.UNKNOWN_ETAG_COMPONENT,
          `Ruleset '${ruleset}', operation '${operation.name}', option 'etags': there is no ETag component '${name}'.${suggestion(name, known)} Known components: ${known.join(', ')}. Bind your own with container.bind(ETagComponent).toConstantValue({ name, value }).`,
          { details: { ruleset, operation: operation.name, component: name } },
        );
      }
    }
    for (const member of (options as { operations?: readonly string[] | null }).operations ?? []) {
      const delegated = operations.get(member);
      if (delegated !== undefined) check(delegated, ruleset, seen);
    }
  };
  for (const [ruleset, name] of policy.operationMapping) {
    const operation = operations.get(name);
    if (operation !== undefined) check(operation, ruleset, new Set());
  }
}
