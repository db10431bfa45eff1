import { describeValue } from '@cacheset/core';
import type { PurgeDelivered, PurgeOutcome, PurgeQueued } from './AdminApiTypes.js';
import type { AdminDiskCache, AdminPurger, AdminPurgeRecord, AdminRamCache } from '../AdminSources.js';
import { adminError, AdminErrorCodes } from '../errors/adminErrorCodes.js';

export interface PurgeTargets {
  readonly paths: readonly string[];
  readonly tags: readonly string[];
  readonly wait: boolean;
}

const WAIT_MS = 10_000;
const MAX_TARGETS = 1000;
const PATH = /^\/[^\s#]*$/;
const TAG = /^[\x21-\x2b\x2d-\x7e]+$/;

function bad(message: string): Error {
  return adminError(AdminErrorCodes.BAD_REQUEST, 400, message);
}

function list(name: string, value: unknown, pattern: RegExp, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(`${name} must be a list of ${what}, got ${describeValue(value)}.`);
  if (value.length > MAX_TARGETS) throw bad(`${name}: at most ${MAX_TARGETS} at once, got ${value.length}.`);
  for (const item of value)
    if (typeof item !== 'string' || !pattern.test(item))
      throw bad(`${name}: ${describeValue(item)} is not ${what.replace(/s\b/, '')}.`);
  return [...new Set(value as string[])];
}

/** Checks `{ paths, tags, wait }` (400 with what is wrong, nothing purged). */
export function purgeTargets(body: unknown): PurgeTargets {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad(`The body must be { "paths": [...], "tags": [...] }, got ${describeValue(body)}.`);
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (!['paths', 'tags', 'wait'].includes(key)) throw bad(`Unknown key '${key}'; the keys are paths, tags, wait.`);
  const paths = list('paths', record.paths, PATH, 'paths starting with / (without spaces)');
  const tags = list('tags', record.tags, TAG, 'tags (visible characters, no spaces or commas)');
  if (paths.length + tags.length === 0) throw bad('Give at least one path or tag to purge.');
  if (record.wait !== undefined && typeof record.wait !== 'boolean')
    throw bad(`wait must be true or false, got ${describeValue(record.wait)}.`);
  return { paths, tags, wait: record.wait === true };
}

function outcome(record: AdminPurgeRecord): PurgeOutcome {
  return {
    proxy: record.proxy,
    ...(record.type === 'path' ? { path: record.target } : { tag: record.target }),
    ok: record.outcome === 'succeeded',
    status: record.status ?? null,
    attempts: record.attempts,
  };
}

export interface PurgeLayers {
  readonly ram: AdminRamCache | undefined;
  readonly disk: AdminDiskCache | undefined;
  readonly purger: AdminPurger | undefined;
  readonly logError: (message: string) => void;
}

/**
 * Purges paths and tags on demand: the RAM entries and dumped files of this process go first (they
 * are gone when the answer comes), then the proxies are asked; with `wait`, the answer waits for
 * them (at most 10 s) and gives each proxy's outcome.
 */
export async function purgeAction(layers: PurgeLayers, targets: PurgeTargets): Promise<PurgeQueued | PurgeDelivered> {
  const { ram, disk, purger } = layers;
  if (ram === undefined && disk === undefined && purger === undefined)
    throw adminError(
      AdminErrorCodes.NOT_CONFIGURED,
      409,
      'This application gave the admin no RAM cache, disk dump or purger: there is nothing to purge.',
    );
  let ramDropped = 0;
  if (ram !== undefined) {
    if (targets.paths.length > 0) ramDropped += ram.invalidatePages(targets.paths);
    if (targets.tags.length > 0) ramDropped += ram.invalidateTags(targets.tags);
  }
  const filesDeleted = disk === undefined || targets.paths.length === 0 ? 0 : await disk.purge(targets.paths);
  const proxies = purger?.statistics().proxies.length ?? 0;
  const queued = purger === undefined ? 0 : proxies * (targets.paths.length + (targets.tags.length > 0 ? 1 : 0));
  if (purger === undefined)
    return targets.wait
      ? { queued, ramDropped, filesDeleted, ok: true, outcomes: [] }
      : { queued, ramDropped, filesDeleted };
  const delivery = purger.purgeNow({ paths: targets.paths, tags: targets.tags });
  if (!targets.wait) {
    delivery.catch((error: unknown) => layers.logError(`cacheset admin: purge failed: ${String(error)}`));
    return { queued, ramDropped, filesDeleted };
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), WAIT_MS)));
  const report = await Promise.race([delivery, late]).finally(() => clearTimeout(timer));
  if (report === undefined) return { queued, ramDropped, filesDeleted, ok: false, outcomes: [] };
  return { queued, ramDropped, filesDeleted, ok: report.ok, outcomes: report.records.map(outcome) };
}
