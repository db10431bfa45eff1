import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { assertDottedName, describeValue } from '../names/dottedName.js';
import { linearize } from './c3.js';

const tokenBrand: unique symbol = Symbol.for('cacheset.core.InterfaceToken');
const orderKey: unique symbol = Symbol.for('cacheset.core.InterfaceToken.order');

/**
 * A run-time stand-in for a TypeScript interface (which vanishes at run time), like a zope.interface
 * `Interface`. Tokens extend other tokens; classes declare them with `@implementer`; single objects get
 * them with `alsoProvides`. Rules and adapters registered on a token apply to everything providing it.
 */
export interface InterfaceToken {
  readonly name: string;
  readonly bases: readonly InterfaceToken[];
  readonly description: string | undefined;
}

interface TokenInternals extends InterfaceToken {
  readonly [tokenBrand]: true;
  readonly [orderKey]: readonly InterfaceToken[];
}

export interface DefineInterfaceOptions {
  /** Tokens this one extends; more specific than each of them. Defaults to the root `Interface`. */
  readonly extends?: readonly InterfaceToken[];
  readonly description?: string;
}

function makeToken(
  name: string,
  bases: readonly InterfaceToken[],
  description: string | undefined,
  order: (t: InterfaceToken) => readonly InterfaceToken[],
): InterfaceToken {
  const token = { name, bases: Object.freeze([...bases]), description } as unknown as TokenInternals;
  Object.defineProperty(token, tokenBrand, { value: true });
  Object.defineProperty(token, orderKey, { value: Object.freeze(order(token)) });
  Object.defineProperty(token, 'toString', { value: () => `<InterfaceToken ${name}>` });
  return Object.freeze(token);
}

/** The root token: every value provides it, so a rule or adapter registered on it is a catch-all. */
export const Interface: InterfaceToken = makeToken('Interface', [], 'The root of every specification.', (self) => [
  self,
]);

export function isInterfaceToken(value: unknown): value is InterfaceToken {
  return typeof value === 'object' && value !== null && (value as Partial<TokenInternals>)[tokenBrand] === true;
}

/** The token followed by everything it extends, most specific first (C3), ending with `Interface`. */
export function tokenResolutionOrder(token: InterfaceToken): readonly InterfaceToken[] {
  return (token as TokenInternals)[orderKey];
}

/**
 * Creates an interface token.
 *
 * @example
 * const IContent = defineInterface('myapp.IContent');
 * const IFolder = defineInterface('myapp.IFolder', { extends: [IContent] });
 */
export function defineInterface(name: string, options: DefineInterfaceOptions = {}): InterfaceToken {
  assertDottedName(name, 'interface name', 'defineInterface');
  const bases = options.extends ?? [Interface];
  if (!Array.isArray(bases)) {
    throw new CachesetError(
      CoreErrorCodes.INVALID_INTERFACE,
      `defineInterface('${name}'): "extends" must be an array of interface tokens, got ${describeValue(bases)}.`,
    );
  }
  for (const base of bases) {
    if (!isInterfaceToken(base)) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_INTERFACE,
        `defineInterface('${name}'): an interface token can only extend interface tokens, got ${describeValue(base)}. To tie a token to a class, decorate the class with @implementer(token).`,
        { details: { name, base } },
      );
    }
  }
  if (options.description !== undefined && typeof options.description !== 'string') {
    throw new CachesetError(
      CoreErrorCodes.INVALID_INTERFACE,
      `defineInterface('${name}'): "description" must be a string.`,
    );
  }
  const effectiveBases = bases.length === 0 ? [Interface] : bases;
  const tail = linearize(effectiveBases, tokenResolutionOrder);
  if (tail === undefined) {
    throw new CachesetError(
      CoreErrorCodes.INCONSISTENT_HIERARCHY,
      `defineInterface('${name}'): its bases ${effectiveBases.map((b) => b.name).join(', ')} order their own bases in contradictory ways, so no consistent resolution order exists. Reorder the bases or split the token.`,
      { details: { name, bases: effectiveBases.map((b) => b.name) } },
    );
  }
  return makeToken(name, effectiveBases, options.description, (self) => [self, ...tail]);
}
