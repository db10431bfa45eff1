import type { Request, Response } from 'express';
import type { HttpCachingSession } from '../node/HttpCachingSession.js';

function inheritedGetter(object: object, name: string): ((this: unknown) => unknown) | undefined {
  for (
    let proto = Object.getPrototypeOf(object) as object | null;
    proto !== null;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor !== undefined) return descriptor.get;
  }
  return undefined;
}

/** Per-request state of the guard (a class: per-request object literals are costly garbage). */
class ValidatorGuard {
  readonly session: HttpCachingSession;
  readonly fresh: ((this: unknown) => unknown) | undefined;
  /** Inside a res.send that found no ETag: an ETag set now is Express's own. */
  sending = false;

  constructor(session: HttpCachingSession, fresh: ((this: unknown) => unknown) | undefined) {
    this.session = session;
    this.fresh = fresh;
  }

  get governed(): boolean {
    return this.session.caching.engine.findOperation(this.session.exchange)?.operation !== undefined;
  }
}

const GUARD = Symbol('cacheset.http.expressValidatorGuard');
type Guarded = { [GUARD]?: ValidatorGuard };

// One shared descriptor and getter: a getter made per request would give every request object a
// hidden class of its own.
const FRESH: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: Request & Guarded): boolean {
    const guard = this[GUARD];
    if (guard === undefined) return false;
    return guard.governed ? false : guard.fresh?.call(this) === true;
  },
};

/**
 * DESIGN §3: the policy, never the platform, decides validators and 304s. Express's `res.send` hashes
 * the body into a weak ETag and answers 304 when `req.fresh` says the client's copy matches it, after
 * the handler ran and regardless of the policy. For a response an operation governs, this turns both
 * off: `req.fresh` is false and send sets no ETag of its own, so the ETag (or none) and every 304 come
 * from the policy. Responses no operation governs keep Express's behaviour. (`install(app)` switches
 * Express's ETag off for the whole app, which also saves hashing every body.)
 */
export function keepExpressValidatorsOut(session: HttpCachingSession, req: Request, res: Response): void {
  const guard = new ValidatorGuard(session, inheritedGetter(req, 'fresh'));
  (req as Request & Guarded)[GUARD] = guard;
  Object.defineProperty(req, 'fresh', FRESH);
  const send = res.send;
  const set = res.set;
  res.send = function (this: Response, body?: unknown): Response {
    const outer = guard.sending;
    guard.sending = !this.hasHeader('etag');
    try {
      return send.call(this, body);
    } finally {
      guard.sending = outer;
    }
  } as Response['send'];
  res.set = function (this: Response, field: unknown, value?: unknown): Response {
    if (guard.sending && typeof field === 'string' && field.toLowerCase() === 'etag' && guard.governed) return this;
    return (set as (this: Response, field: unknown, value?: unknown) => Response).call(this, field, value);
  } as Response['set'];
}
