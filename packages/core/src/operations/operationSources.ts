/** Where operations that a registry may lack come from, and how to register them. */
export interface OperationSource {
  /** The names of the operations the package provides. */
  readonly names: Iterable<string>;
  /** The package, as users install it: `@cacheset/http`. */
  readonly source: string;
  /** What to call, e.g. `registerHttpOperations(operations) from @cacheset/http`. */
  readonly register: string;
}

// On globalThis, as the decorated classes are: two copies of the core must share what they know.
const key = Symbol.for('cacheset.core.operationSources@1');
const holder = globalThis as { [key]?: Map<string, OperationSource> };
const sources: Map<string, OperationSource> = (holder[key] ??= new Map());

/**
 * Lets a package that provides operations say how to register them, so that an "unknown operation"
 * error for one of them says what to do (the core knows nothing of the packages built on it).
 */
export function describeOperationSource(source: OperationSource): void {
  for (const name of source.names) sources.set(name, source);
}

/** ` 'x' is an operation of <package>; call ... first.` for a known name, else ''. */
export function operationSourceHint(name: unknown): string {
  const source = typeof name === 'string' ? sources.get(name) : undefined;
  if (source === undefined) return '';
  return ` '${name as string}' is an operation of ${source.source}: call ${source.register} on this registry first.`;
}
