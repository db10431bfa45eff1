import { internalSymbol, type InternalSymbolName } from '../kit/internalSymbols.js';
import type { CacheExchange } from './CacheExchange.js';

/**
 * A typed key for per-request state on `exchange.annotations`: what an operation computes once and
 * reads again later in the same request (its ETag, a pending RAM fill, a purge ticket). The key
 * carries the type of its value, so no reader casts: `set` only accepts a `T`, and the key's symbol
 * is private to whoever made it, so nothing else writes under it.
 *
 * @example
 * const ticketKey = annotationKey<FsWriteTicket>('cacheset.fs.ticket');
 * ticketKey.set(ctx.exchange, cache.begin());
 * const ticket = ticketKey.get(ctx.exchange); // FsWriteTicket | undefined
 */
export class AnnotationKey<T> {
  /** The symbol the value is kept under in `exchange.annotations`. */
  readonly symbol: symbol;

  constructor(symbol: symbol) {
    this.symbol = symbol;
  }

  get(exchange: CacheExchange): T | undefined {
    // The one place the type is asserted: only `set` below writes under this key's symbol.
    return exchange.annotations.get(this.symbol) as T | undefined;
  }

  has(exchange: CacheExchange): boolean {
    return exchange.annotations.has(this.symbol);
  }

  set(exchange: CacheExchange, value: T): void {
    exchange.annotations.set(this.symbol, value);
  }

  delete(exchange: CacheExchange): void {
    exchange.annotations.delete(this.symbol);
  }
}

/** A typed annotation key with a private symbol named `name` (see `internalSymbol` for the scheme). */
export function annotationKey<T>(name: InternalSymbolName): AnnotationKey<T> {
  return new AnnotationKey<T>(internalSymbol(name));
}
