import type { CacheRequest, CachesetLogger } from '@cacheset/core';
import { reportOnce } from '../runtime/HttpSettings.js';
import type { LateHints } from './bagHints.js';

/** What an adapter tells users whose hint came after rendering started: its framework's way to be early. */
export interface LateHintAdvice {
  /** What to do instead, in the framework's terms (ends without a full stop). */
  readonly todo: string;
}

/** node:http's advice (the default): the route argument, which may make a view per request. */
export const NODE_ADVICE: LateHintAdvice = {
  todo:
    'name it in the route argument of cachingHandler or cachingMiddleware: a view, or a function ' +
    '(req, res) => ({ published: new ArticleView(row) }), which may be async',
};

export interface LateHint {
  readonly advice: LateHintAdvice;
  readonly request: CacheRequest;
  /** The framework's per-request data, if the hint may have come from there. */
  readonly late: LateHints | undefined;
  /** Whether a ruleset decided (else a view). */
  readonly ruleset: boolean;
  /** The validators were asynchronous and could not be awaited once the response was being sent. */
  readonly gaveUp: boolean;
}

/** How users wrote the hint that decided: `res.locals.cachePublished`, `setPublished(...)`. */
function sourceOf(hint: LateHint): string {
  const key = hint.ruleset ? 'ruleset' : 'published';
  const fromLate = hint.late?.[key];
  if (fromLate !== undefined && fromLate !== null)
    return `${hint.late?.where ?? 'the request'}.${hint.ruleset ? 'cacheRuleset' : 'cachePublished'}`;
  return hint.ruleset ? 'setCacheRuleset(...)' : 'setPublished(...)';
}

/**
 * The line logged when a hint arrived after rendering started and that cost something (a 304 sent
 * after rendering, a RAM cache the policy wanted, validators that could not be awaited). It names
 * the route's pattern when the framework has one and never the URL, so that it is logged once per
 * route, not once per URL.
 */
export function lateHintMessage(hint: LateHint): string {
  const route = hint.late?.route?.();
  const { method } = hint.request;
  const who = route === undefined ? `a ${method} request` : `${method} ${route}`;
  const cost = hint.gaveUp
    ? ', and its validators are asynchronous, which cannot be awaited once the response is being sent: ' +
      'no 304 was possible and the RAM cache is not used'
    : ': a 304 is then answered only after the page was rendered, and the RAM cache is not used';
  return (
    `cacheset: ${who} named its ${hint.ruleset ? 'ruleset' : 'view'} (${sourceOf(hint)}) after rendering had ` +
    `started${cost}. To skip rendering, ${hint.advice.todo}.`
  );
}

/** Logs `lateHintMessage` once (the URL goes in the details, not in the line). */
export function reportLateHint(logger: CachesetLogger, hint: LateHint): void {
  reportOnce(logger, lateHintMessage(hint), { url: hint.request.url });
}
