import type { IncomingMessage, ServerResponse } from 'node:http';
import { UnitOfWork } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';

/**
 * The unit of work a page rendered without a session (a prepared render) runs in: the one its
 * session would have opened, so that the work the handler starts is held and reported the same way.
 */
export function openPreparedUnit(caching: HttpCaching, req: IncomingMessage): UnitOfWork {
  return new UnitOfWork({
    label: () => `${req.method ?? 'GET'} ${req.url ?? '/'}`,
    logger: caching.logger,
    workTimeoutMs: caching.workTimeoutMs,
  });
}

/**
 * Closes that unit as the session would have closed it (see CachingSession's finish and abort):
 * committed when the response was sent whole with a status below 400 and nothing failed; aborted
 * otherwise, so the work it started is told why.
 */
export function closePreparedUnit(
  unit: UnitOfWork,
  res: ServerResponse,
  failure: { readonly error: unknown } | undefined,
): void {
  if (!res.writableFinished) void unit.abort(failure?.error ?? new Error('the client went away'));
  else if (failure !== undefined) void unit.abort(failure.error);
  else if (res.statusCode >= 400) void unit.abort(new Error(`status ${res.statusCode}`));
  else void unit.commit();
}
