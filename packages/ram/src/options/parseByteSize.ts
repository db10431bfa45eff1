import { describeValue } from '@cacheset/core';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';

const UNITS: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['b', 1],
  ['k', 1024],
  ['kb', 1024],
  ['kib', 1024],
  ['m', 1024 ** 2],
  ['mb', 1024 ** 2],
  ['mib', 1024 ** 2],
  ['g', 1024 ** 3],
  ['gb', 1024 ** 3],
  ['gib', 1024 ** 3],
]);

const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/;

/**
 * Bytes from a number of bytes or a readable size (`'64MB'`, `'512 KiB'`, `'1.5gb'`). Units are binary
 * (1 KB = 1 KiB = 1024 bytes): memory budgets are about RAM, where nobody means 1000.
 */
export function parseByteSize(value: unknown, option: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value > 0) return value;
    throw ramError(
      RamErrorCodes.INVALID_OPTIONS,
      `${option}: ${describeValue(value)} is not a positive whole number of bytes; give bytes (67108864) or a size ("64MB").`,
      value,
    );
  }
  if (typeof value === 'string') {
    const match = SIZE.exec(value.trim().toLowerCase());
    const unit = match === null ? undefined : UNITS.get(match[2] ?? '');
    if (match !== null && unit !== undefined) {
      const bytes = Math.floor(Number(match[1]) * unit);
      if (Number.isSafeInteger(bytes) && bytes > 0) return bytes;
    }
  }
  throw ramError(
    RamErrorCodes.INVALID_OPTIONS,
    `${option}: ${describeValue(value)} is not a size; give bytes (67108864) or a size such as "64MB", "512KB", "1GB".`,
    value,
  );
}
