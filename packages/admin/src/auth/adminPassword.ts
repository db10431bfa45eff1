import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const PREFIX = 'scrypt';
const KEY_BYTES = 32;
const COST = 16384;

/**
 * A hash of an administrator's password for `createAdmin({ password })`, so that the application's
 * configuration never holds the password itself: `scrypt$<cost>$<salt>$<key>`, scrypt with a random
 * 16-byte salt. Make it once (`node -e "…hashAdminPassword('…')"`) and keep the result in a secret.
 */
export function hashAdminPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, KEY_BYTES, { N: COST });
  return `${PREFIX}$${COST}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether a hash has the form `hashAdminPassword` makes. */
export function isPasswordHash(value: unknown): value is string {
  return typeof value === 'string' && /^scrypt\$\d+\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{40,}$/.test(value);
}

/** Compares a password with its hash in constant time. */
export function passwordMatches(given: string, hash: string): boolean {
  const [, cost, salt, key] = hash.split('$');
  const expected = Buffer.from(key ?? '', 'base64url');
  const derived = scryptSync(given, Buffer.from(salt ?? '', 'base64url'), expected.length, { N: Number(cost) });
  return timingSafeEqual(derived, expected);
}
