import { bindAdapter, classImplements, IPurgePaths, IPurgeable, ISurrogateKeys } from '@cacheset/core';
import { Container } from 'inversify';

/** A purgeable document with paths from two adapters and one tag. */
export class Doc {
  constructor(
    public path: string,
    readonly tags: string[] = [],
    readonly absolute: string[] = [],
  ) {}
}
classImplements(Doc, IPurgeable);

/** Not purgeable: its lifecycle events never purge. */
export class Note {
  constructor(public path: string) {}
}

export function docContainer(): Container {
  const container = new Container();
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Doc,
    name: 'test.doc',
    factory: (doc: Doc) => ({
      getRelativePaths: () => [doc.path, `${doc.path}/view`],
      getAbsolutePaths: () => doc.absolute,
    }),
  });
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Doc,
    name: 'test.listing',
    factory: () => ({ getRelativePaths: () => ['/listing'], getAbsolutePaths: () => [] }),
  });
  bindAdapter(container, {
    provides: ISurrogateKeys,
    for: Doc,
    name: 'test.doc',
    factory: (doc: Doc) => ({ getKeys: () => doc.tags }),
  });
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Note,
    name: 'test.note',
    factory: (note: Note) => ({ getRelativePaths: () => [note.path], getAbsolutePaths: () => [] }),
  });
  return container;
}
