import { describeValue } from '@cacheset/core';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import type { ObjectGroup } from '../store/ObjectGroup.js';
import type { ObjectStatistics, ReportOptions, StatisticsSortKey } from './RamCacheStatistics.js';

const SORT_KEYS: ReadonlySet<string> = new Set<StatisticsSortKey>([
  'path',
  'hits',
  'misses',
  'stores',
  'evictions',
  'expirations',
  'invalidations',
  'entries',
  'bytes',
  'recentHits',
]);

export function rowOf(group: ObjectGroup): ObjectStatistics {
  return {
    path: group.path === '' ? '/' : group.path,
    kind: group.kind,
    hits: group.hits,
    misses: group.misses,
    stores: group.stores,
    evictions: group.evictions,
    expirations: group.expirations,
    invalidations: group.invalidations,
    entries: group.size,
    bytes: group.bytes,
    recentHits: group.recentHits(),
    views: group
      .viewNames()
      .map((v) => (v === '' ? '<default>' : v))
      .sort(),
  };
}

/** Validates report options (a typo in a sort key is an error, not a silently unsorted table). */
export function checkReportOptions(options: ReportOptions): void {
  if (typeof options !== 'object' || options === null)
    throw ramError(RamErrorCodes.INVALID_ARGUMENT, `report: expected options, got ${describeValue(options)}.`, options);
  if (options.sortBy !== undefined && !SORT_KEYS.has(options.sortBy)) {
    throw ramError(
      RamErrorCodes.INVALID_ARGUMENT,
      `report: sortBy ${describeValue(options.sortBy)} is not one of ${[...SORT_KEYS].join(', ')}.`,
      options.sortBy,
    );
  }
  if (options.order !== undefined && options.order !== 'asc' && options.order !== 'desc') {
    throw ramError(
      RamErrorCodes.INVALID_ARGUMENT,
      `report: order must be 'asc' or 'desc', got ${describeValue(options.order)}.`,
      options.order,
    );
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
    throw ramError(
      RamErrorCodes.INVALID_ARGUMENT,
      `report: limit must be a whole number, got ${describeValue(options.limit)}.`,
      options.limit,
    );
  }
  if (options.kind !== undefined && options.kind !== 'response' && options.kind !== 'value') {
    throw ramError(
      RamErrorCodes.INVALID_ARGUMENT,
      `report: kind must be 'response' or 'value', got ${describeValue(options.kind)}.`,
      options.kind,
    );
  }
}

/** The rows, sorted (ties by path, then kind, so the order is stable) and cut to `limit`. */
export function buildReport(groups: Iterable<ObjectGroup>, options: ReportOptions): ObjectStatistics[] {
  checkReportOptions(options);
  const sortBy = options.sortBy ?? 'hits';
  const order = options.order ?? (sortBy === 'path' ? 'asc' : 'desc');
  const rows: ObjectStatistics[] = [];
  for (const group of groups) if (options.kind === undefined || group.kind === options.kind) rows.push(rowOf(group));
  const sign = order === 'asc' ? 1 : -1;
  rows.sort((a, b) => {
    let c = 0;
    if (sortBy === 'path') c = a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
    else c = a[sortBy] - b[sortBy];
    if (c !== 0) return sign * c;
    return a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
  });
  return options.limit === undefined ? rows : rows.slice(0, options.limit);
}
