import { catalogCounterOf, type CatalogCounter } from '@cacheset/core';
import type { ETagComponent } from './ETagComponent.js';

/**
 * The `catalogCounter` ETag component, after plone.app.caching's: the value of a catalog counter
 * (`catalogCounterOf(bus)` of @cacheset/core), which changes whenever any content changes. For pages
 * that list content (a front page, a gallery, search results): an edit anywhere changes their ETag,
 * so a browser revalidating after it gets the new page, not a 304. Without a counter given, the
 * counter of the default bus (the one `notify` uses) at the time of the request.
 */
export function catalogCounterComponent(counter?: CatalogCounter): ETagComponent {
  if (counter !== undefined) return { name: 'catalogCounter', value: () => counter.value() };
  return { name: 'catalogCounter', value: () => catalogCounterOf().value() };
}
