import { ObjectModifiedEvent, ObjectMovedEvent, type EventBus } from '@cacheset/core';
import type { ETagComponent } from '@cacheset/http';

/**
 * TEMPORARY, until @cacheset/http ships its own `catalogCounter` ETag component (issue 10, item 2):
 * then delete this file and its binding in createCachingStack.ts. Both carry the same name, so
 * forgetting is impossible: two components with one name stop the site at start-up.
 *
 * An ETag component that changes whenever any content changes, after plone.app.caching's: pages
 * that list images (the front page, the feed) build their ETag from it, so a browser revalidating
 * after an edit gets the new page instead of a 304 for the old one. It counts the lifecycle events
 * on the bus. The count starts from the process's start time, so a restart never repeats a value
 * a browser may hold; it is per process (the built-in one shares it through Redis).
 */
export function temporaryCatalogCounter(bus: EventBus, now: () => number = Date.now): ETagComponent {
  const epoch = now().toString(36);
  let changes = 0;
  const bump = (): void => {
    changes += 1;
  };
  bus.subscribe(ObjectModifiedEvent, bump);
  bus.subscribe(ObjectMovedEvent, bump);
  return { name: 'catalogCounter', value: () => `${epoch}.${changes}` };
}
