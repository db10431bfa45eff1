import type { ServerResponse } from 'node:http';
import type { UnitOfWork } from '@cacheset/core';

/**
 * Holds a response back until the in-process work of its unit of work has settled (the dumped files
 * of a purged page are deleted, the RAM tier's invalidation is recorded in Redis): the client must
 * not see the response of an edit before the next request could still find the old copy. A body
 * written while work is pending stays in the corked socket, and `end()` is deferred until the work
 * settled or ran past its deadline (`workTimeoutMs` of the unit, reported by the unit); then the
 * response goes out as the handler wrote it.
 *
 * Installed lazily, when the unit first gets work (`unit.onFirstWork`): a request that purges nothing
 * keeps its response untouched.
 */
export function holdResponseForWork(res: ServerResponse, unit: UnitOfWork): void {
  unit.onFirstWork(() => {
    if (!res.writableEnded) wrapWriteAndEnd(res, unit);
  });
}

function wrapWriteAndEnd(res: ServerResponse, unit: UnitOfWork): void {
  const write = res.write;
  const end = res.end;
  let corked = false;
  const release = (): void => {
    if (!corked) return;
    corked = false;
    res.uncork();
  };
  res.write = function (this: ServerResponse, ...args: unknown[]): boolean {
    if (!corked && unit.hasPendingWork) {
      corked = true;
      this.cork();
      void unit.settled().then(release);
    }
    return write.apply(this, args as never);
  } as typeof res.write;
  res.end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (!unit.hasPendingWork) {
      release();
      return end.apply(this, args as never);
    }
    void unit.settled().then(() => {
      release();
      try {
        end.apply(this, args as never);
      } catch (error) {
        // Whatever end would have thrown to the handler (a write after end): the response is lost.
        this.destroy(error instanceof Error ? error : undefined);
      }
    });
    return this;
  } as typeof res.end;
}
