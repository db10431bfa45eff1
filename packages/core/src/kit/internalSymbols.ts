/**
 * The naming scheme of cacheset's internal symbols (annotation keys, per-request state kept on framework
 * objects, process-wide registries): `cacheset.<package>.<name>`, e.g. `cacheset.http.fill`.
 *
 * - `internalSymbol(name)` makes a fresh `Symbol(name)`: private to one copy of the module that made it.
 *   The default: per-request state never needs to be shared.
 * - `sharedSymbol(name)` is `Symbol.for(name)`: for state that two installed copies of a package must
 *   agree on (a default registry, the unit-of-work storage, a brand checked across copies). When the
 *   shape of what it holds may change between versions, the name ends in a layout version,
 *   `cacheset.core.defaultBus@1`, so that two incompatible copies keep apart instead of misreading each
 *   other.
 *
 * Public tokens users bind or decorate with (`IPurgePaths`, `ILastModified`, `ETagComponent`, ...) are
 * part of the API and keep the names they were published with.
 */
export type InternalSymbolName = `cacheset.${string}.${string}`;

/** A private symbol named after the scheme above. */
export function internalSymbol(name: InternalSymbolName): symbol {
  return Symbol(name);
}

/** A symbol shared by every copy of cacheset in the process (`Symbol.for`), named after the scheme above. */
export function sharedSymbol(name: InternalSymbolName): symbol {
  return Symbol.for(name);
}
