import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key format: td_<prefix>_<secret>. The prefix (12 hex) is public and finds the row; the secret
 * is 32 random bytes in base64url. The "td_" marker lets secret scanners recognise leaked keys.
 */
const KeyPattern = /^td_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  key: string;
  prefix: string;
  hash: string;
}

/** SHA-256 is enough for a 256-bit random secret (see migrations/*_api_keys.ts for why not scrypt). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(): NewKey {
  const prefix = randomBytes(6).toString('hex');
  const key = `td_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashKey(key) };
}

/** The lookup prefix of a well-formed key, or undefined for anything else. */
export function keyPrefix(key: string): string | undefined {
  return KeyPattern.exec(key)?.[1];
}

/** Constant-time comparison, so response timing says nothing about how much of a hash matched. */
export function keyMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
