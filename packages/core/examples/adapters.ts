// 2. Cache-aware code describes itself through adapters bound in an inversify container.
import {
  AdapterLookup,
  bindAdapter,
  ILastModified,
  IPurgePaths,
  resolveLastModified,
  resolvePurgePaths,
} from '@cacheset/core';
import { Container } from 'inversify';
import { DateTime } from 'luxon';

export class Image {
  constructor(
    readonly slug: string,
    readonly updatedAt: Date,
  ) {}
}

export class ImageView {
  constructor(readonly context: Image) {}
}

class ImagePurgePaths implements IPurgePaths {
  constructor(private readonly image: Image) {}
  getRelativePaths(): string[] {
    return [`/images/${this.image.slug}`, `/images/${this.image.slug}/thumbnail`];
  }
  getAbsolutePaths(): string[] {
    return [];
  }
}

export function configure(container: Container): void {
  bindAdapter(container, {
    provides: ILastModified,
    for: Image,
    factory: (image: Image) => ({ lastModified: () => DateTime.fromJSDate(image.updatedAt, { zone: 'utc' }) }),
  });
  bindAdapter(container, { provides: IPurgePaths, for: Image, name: 'myapp.image', useClass: ImagePurgePaths });
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Image,
    name: 'myapp.gallery',
    factory: () => ({ getRelativePaths: () => ['/gallery'], getAbsolutePaths: () => [] }),
  });
}

export async function main(): Promise<{ lastModified?: string; viaView?: string; paths: readonly string[] }> {
  const container = new Container();
  configure(container);
  const adapters = new AdapterLookup(container);
  const cat = new Image('cat', new Date('2026-11-01T09:30:00Z'));
  const lastModified = await resolveLastModified(adapters, cat);
  // A view with no ILastModified of its own delegates to its context.
  const viaView = await resolveLastModified(adapters, new ImageView(cat));
  const { relative, errors } = resolvePurgePaths(adapters, cat);
  if (errors.length > 0) throw errors[0];
  return {
    ...(lastModified ? { lastModified: lastModified.toHTTP() ?? '' } : {}),
    ...(viaView ? { viaView: viaView.toISO() ?? '' } : {}),
    paths: relative,
  };
}
