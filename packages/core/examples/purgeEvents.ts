// 3. Domain code emits Purge events; plugins listen.
import {
  AdapterLookup,
  EventBus,
  implementer,
  IPurgeable,
  ObjectModifiedEvent,
  ObjectRenamedEvent,
  ObjectWillBeMovedEvent,
  Purge,
  resolvePurgePaths,
} from '@cacheset/core';
import { Container } from 'inversify';
import { configure, Image } from './adapters.js';

// Marked purgeable: its lifecycle events become Purge events.
@implementer(IPurgeable)
class GalleryImage extends Image {}

export function main(): string[] {
  const container = new Container();
  configure(container);
  const adapters = new AdapterLookup(container);
  const bus = new EventBus();

  // What a cache plugin does: collect the paths of every purged object.
  const queued = new Set<string>();
  bus.subscribe(Purge, (event) => {
    for (const path of resolvePurgePaths(adapters, event.object).relative) queued.add(path);
  });

  const image = new GalleryImage('cat', new Date());
  // An edit: purge directly, or fire the lifecycle event and let the IPurgeable redispatch do it.
  bus.notify(new Purge(image));
  bus.notify(new ObjectModifiedEvent(image, 'title'));

  // A rename: announce it while the old paths are still right, then rename, then confirm.
  bus.notify(new ObjectWillBeMovedEvent(image, 'gallery', 'cat', 'gallery', 'kitten'));
  (image as { slug: string }).slug = 'kitten';
  bus.notify(new ObjectRenamedEvent(image, 'gallery', 'cat', 'kitten'));

  return [...queued];
}
