import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InterceptOutcome } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { dropIgnoredRange, openNodeSession } from './nodeSession.js';
import type { RouteCaching } from './routeHints.js';

export { headerPairs } from './headerPairs.js';
export { installHeaderHook } from './headerHook.js';

/** Statuses and methods whose responses carry no body. */
function bodyless(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status === 304 || status === 204 || (status >= 100 && status < 200);
}

/** Writes an intercepted answer (a 304, a 412, a RAM-cache hit) and ends the response. */
export function sendIntercepted(req: IncomingMessage, res: ServerResponse, outcome: InterceptOutcome): void {
  res.statusCode = outcome.status;
  if (bodyless(req.method, outcome.status)) {
    res.end();
    return;
  }
  const { body } = outcome;
  res.end(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/**
 * The node:http core shared by every adapter: opens a unit of work, runs intercept (a 304, 412 or RAM
 * hit ends the request here), then renders with the caching headers applied once when the response
 * starts, and closes the unit when the response ends. Rejects only when `render` throws.
 */
export async function runCaching(caching: HttpCaching, req: IncomingMessage, res: ServerResponse, render: () => unknown, route?: RouteCaching | (() => RouteCaching | undefined)): Promise<void> {
  const session = openNodeSession(caching, req, res, { route });
  const outcome = await session.intercept();
  if (outcome !== undefined) {
    sendIntercepted(req, res, outcome);
    return;
  }
  dropIgnoredRange(session, req);
  try {
    await session.unit.run(render);
  } catch (error) {
    session.fail(error);
    throw error;
  }
}
