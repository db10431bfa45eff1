import type { CacheExchange, CacheRequest, CacheUser } from '@cacheset/core';
import type { DateTime } from 'luxon';

/** What an ETag component sees. */
export interface ETagComponentContext {
  readonly exchange: CacheExchange;
  readonly request: CacheRequest;
  readonly published: unknown;
  readonly user: CacheUser | undefined;
  /**
   * The published object's ILastModified, resolved at most once per request. Synchronous when the
   * adapter is; `await` it either way.
   */
  lastModified(): DateTime | undefined | Promise<DateTime | undefined>;
  /** The deployment's resource version (`resourceVersion` setting), if any. */
  readonly resourceVersion: string | undefined;
}

export type ETagComponentValue = string | number | null | undefined;

/**
 * One named part of a composite ETag, after plone.app.caching's IETagValue adapters. `undefined` or
 * `null` contributes an empty token. Bind your own in the container:
 *
 * @example
 * container.bind(ETagComponent).toConstantValue({ name: 'galleryVersion', value: () => String(gallery.version) });
 */
export interface ETagComponent {
  readonly name: string;
  value(context: ETagComponentContext): ETagComponentValue | Promise<ETagComponentValue>;
}

/** The service identifier for ETag components bound in an inversify container. */
export const ETagComponent: unique symbol = Symbol.for('cacheset.http.ETagComponent');
