import { assertDottedName } from '../names/dottedName.js';

declare const adapterType: unique symbol;

/**
 * A service identifier naming an adapter contract; the phantom type `A` is what adapters for it
 * return, so lookups are typed. Made with `Symbol.for`, so two copies of a package agree on it.
 */
export type AdapterToken<A> = symbol & { readonly [adapterType]?: A };

/**
 * Creates an adapter token for your own contract.
 *
 * @example
 * interface IThumbnailVersion { version(): string }
 * const IThumbnailVersion = defineAdapterToken<IThumbnailVersion>('myapp.IThumbnailVersion');
 */
export function defineAdapterToken<A>(name: string): AdapterToken<A> {
  assertDottedName(name, 'adapter token name', 'defineAdapterToken');
  return Symbol.for(name) as AdapterToken<A>;
}

export function adapterTokenName(token: symbol): string {
  return token.description ?? token.toString();
}
