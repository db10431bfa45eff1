import type { Request, Response } from 'express';
import type { HttpCachingSession } from '../node/HttpCachingSession.js';
import { sessionOf } from '../node/nodeSession.js';

type Getter = (this: unknown) => unknown;
type Method = (this: Response, ...args: unknown[]) => unknown;

/** The object of `object`'s prototype chain (itself excluded) that defines `name`, if any. */
function ownerOf(object: object, name: string): object | undefined {
  for (
    let proto = Object.getPrototypeOf(object) as object | null;
    proto !== null;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    if (Object.prototype.hasOwnProperty.call(proto, name)) return proto;
  }
  return undefined;
}

/** Whether an operation governs the response (then the policy alone decides validators and 304s). */
function governed(session: HttpCachingSession | undefined): boolean {
  return session !== undefined && session.caching.engine.findOperation(session.exchange)?.operation !== undefined;
}

/** Marks, on the object that defines it, each of Express's members patched here. */
const PATCHED = {
  fresh: Symbol.for('cacheset.http.expressFreshPatched'),
  send: Symbol.for('cacheset.http.expressSendPatched'),
  set: Symbol.for('cacheset.http.expressSetPatched'),
} as const;
type Patched = { [key: symbol]: true | undefined };

/** The object that defines `name` for `object`, unless it is patched already. */
function unpatched(object: object, name: keyof typeof PATCHED): object | undefined {
  const owner = ownerOf(object, name);
  if (owner === undefined || (owner as Patched)[PATCHED[name]] === true) return undefined;
  Object.defineProperty(owner, PATCHED[name], { value: true });
  return owner;
}

/**
 * The response inside a `res.send` that found no ETag: an ETag set now is Express's own. `send` runs
 * synchronously to its end, so one slot (saved and restored around nested sends) is enough.
 */
let sendingWithoutETag: Response | undefined;

/**
 * Patches Express's own `req.fresh`, `res.send` and `res.set` once, where Express defines them (the
 * prototypes every app's and sub-app's requests and responses inherit from). Patching each request
 * instead (a getter defined on it, two closures on its response) gave every request object a shape
 * of its own, which cost a RAM hit more than the whole cache lookup.
 */
function patchOnce(req: Request, res: Response): void {
  const requestOwner = unpatched(req, 'fresh');
  if (requestOwner !== undefined) {
    const fresh = Object.getOwnPropertyDescriptor(requestOwner, 'fresh')?.get as Getter | undefined;
    Object.defineProperty(requestOwner, 'fresh', {
      configurable: true,
      enumerable: true,
      get(this: Request): boolean {
        const res = this.res as Response | undefined;
        if (res !== undefined && governed(sessionOf(res))) return false;
        return fresh?.call(this) === true;
      },
    });
  }
  const sendOwner = unpatched(res, 'send');
  if (sendOwner !== undefined) {
    const owner = sendOwner as { send: Method; set?: Method };
    const send = owner.send;
    owner.send = function (this: Response, ...args: unknown[]): unknown {
      if (sessionOf(this) === undefined) return send.apply(this, args);
      const outer = sendingWithoutETag;
      sendingWithoutETag = this.hasHeader('etag') ? undefined : this;
      try {
        return send.apply(this, args);
      } finally {
        sendingWithoutETag = outer;
      }
    };
  }
  const setOwner = unpatched(res, 'set');
  if (setOwner !== undefined) {
    const owner = setOwner as { set: Method };
    const set = owner.set;
    owner.set = function (this: Response, ...args: unknown[]): unknown {
      const [field] = args;
      if (
        sendingWithoutETag === this &&
        typeof field === 'string' &&
        field.toLowerCase() === 'etag' &&
        governed(sessionOf(this))
      )
        return this;
      return set.apply(this, args);
    };
  }
}

/**
 * DESIGN §3: the policy, never the platform, decides validators and 304s. Express's `res.send` hashes
 * the body into a weak ETag and answers 304 when `req.fresh` says the client's copy matches it, after
 * the handler ran and regardless of the policy. For a response an operation governs, this turns both
 * off: `req.fresh` is false and send sets no ETag of its own, so the ETag (or none) and every 304 come
 * from the policy. Responses no operation governs (and requests cacheset does not handle) keep
 * Express's behaviour. (`install(app)` switches Express's ETag off for the whole app, which also
 * saves hashing every body.)
 */
export function keepExpressValidatorsOut(req: Request, res: Response): void {
  const response = res as unknown as Patched;
  if (response[PATCHED.send] === true && response[PATCHED.set] === true && (req as unknown as Patched)[PATCHED.fresh])
    return;
  patchOnce(req, res);
}
