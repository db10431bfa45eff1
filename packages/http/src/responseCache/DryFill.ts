import type {
  FillAbandonReason,
  ResponseCache,
  ResponseCacheFill,
  ResponseScope,
  StoredResponse,
  StoredResponseInfo,
} from '@cacheset/core';
import { type ExchangeTrace } from '@cacheset/core/internal';

/**
 * The fill an explained request gets instead of a real one: the request takes the same path as any
 * other (held, captured, checked, then stored or abandoned), and where a real fill would store or
 * abandon, this one records the RAM layer's verdict in the trace. The store is only asked what it
 * would do (`judge`) and whether it keeps a copy now (`peek`): nothing is stored, filled or counted.
 */
export class DryFill implements ResponseCacheFill {
  readonly #trace: ExchangeTrace;
  readonly #cache: ResponseCache;
  readonly #detail: Readonly<Record<string, unknown>>;

  constructor(trace: ExchangeTrace, cache: ResponseCache, key: string, scope: ResponseScope) {
    this.#trace = trace;
    this.#cache = cache;
    this.#detail = { scope, keptNow: cache.peek?.(key, scope) ?? false };
  }

  store(info: StoredResponseInfo, response: StoredResponse): void {
    const verdict = this.#cache.judge?.(info, response) ?? { stores: true };
    this.#trace.layer({
      layer: 'ram',
      stores: verdict.stores,
      ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
      detail: { ...this.#detail, ...(verdict.ttlSeconds === undefined ? {} : { ttlSeconds: verdict.ttlSeconds }) },
    });
  }

  abandon(reason: FillAbandonReason): void {
    this.#trace.layer({ layer: 'ram', stores: false, reason, detail: this.#detail });
  }
}
