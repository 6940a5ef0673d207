import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters; r, the block size, is always 8. */
export interface SecretHashOptions {
  /**
   * log2 of scrypt's N, which sets the memory each hash holds for its whole run: 128 × N × r bytes, 32 MiB at 15.
   * @default 15
   */
  cost?: number;
  /**
   * scrypt's p: how many times the memory-hard mix runs, one after another in the same memory, so it adds work
   * but no memory. The OWASP Password Storage Cheat Sheet lists scrypt settings of equal strength, all with
   * r = 8: N = 2^17 with p = 1 (128 MiB), 2^16 with p = 2 (64 MiB), 2^15 with p = 3 (32 MiB), 2^14 with p = 5
   * (16 MiB), 2^13 with p = 10 (8 MiB). The default is the 2^15, p = 3 row: three quarters of the CPU work of
   * 2^17, p = 1, at a quarter of its memory. Each hash holds that memory until it ends, so with several logins
   * checked at once it is the memory, not the CPU, that a server runs out of first.
   * @default 3
   */
  parallelism?: number;
}

const KEY_LENGTH = 32;
const SALT_BYTES = 16;
const BLOCK_SIZE = 8;
const DEFAULT_COST = 15;
const DEFAULT_PARALLELISM = 3;

/**
 * Hashes a human-chosen secret (a password, or a client secret an operator typed) with scrypt: memory-hard, so
 * a stolen table is expensive to attack even on GPUs, and built into Node, so nothing native to install.
 * The output carries its own parameters, `scrypt$<cost>$<r>$<p>$<salt>$<hash>`, so the parameters can change
 * later without breaking old hashes (those written before the default became p = 3 say p = 1, and still verify).
 */
export async function hashSecret(secret: string, options: SecretHashOptions = {}): Promise<string> {
  const cost = options.cost ?? DEFAULT_COST;
  const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(secret, salt, cost, BLOCK_SIZE, parallelism);
  return ['scrypt', cost, BLOCK_SIZE, parallelism, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * A stored hash in `hashSecret`'s format with these parameters, but a random salt and a random result: verifying
 * a secret against it costs exactly what verifying against a real hash with the same parameters costs, and matches
 * nothing (the odds are 2^-256). Checked where there is no real hash (an unknown client or user), so that case
 * takes as long as a wrong secret and its timing does not tell which ids exist.
 */
export function dummySecretHash(options: SecretHashOptions = {}): string {
  const cost = options.cost ?? DEFAULT_COST;
  const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
  return ['scrypt', cost, BLOCK_SIZE, parallelism, randomBytes(SALT_BYTES).toString('base64url'), randomBytes(KEY_LENGTH).toString('base64url')].join(
    '$',
  );
}

/** Whether `stored` is a scrypt hash (a slow check, to run through `HashLimiter`) rather than a fast digest. */
export function isScryptHash(stored: string): boolean {
  return stored.startsWith('scrypt$');
}

/**
 * For secrets that are themselves 256-bit random values (generated client secrets): a fast digest is as safe
 * as a slow hash there, because there is no dictionary to try, and it keeps client authentication cheap.
 */
export function hashRandomSecret(secret: string): string {
  return `sha256$${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

/** Verifies a secret against the output of `hashSecret` or `hashRandomSecret`, in constant time. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts[0] === 'sha256' && parts.length === 2) {
    return constantTimeEqual(Buffer.from(hashRandomSecret(secret)), Buffer.from(stored));
  }
  if (parts[0] === 'scrypt' && parts.length === 6) {
    const [cost, r, p] = parts.slice(1, 4).map(Number);
    const salt = Buffer.from(parts[4], 'base64url');
    const expected = Buffer.from(parts[5], 'base64url');
    // A damaged row must fail closed: an empty hash would "match" an empty derived key, and parameters out of
    // scrypt's range would throw instead of answering "no".
    if (!isSaneCost(cost, r, p) || salt.length < SALT_BYTES || expected.length !== KEY_LENGTH) return false;
    const actual = await scryptAsync(secret, salt, cost, r, p, expected.length);
    return constantTimeEqual(actual, expected);
  }
  return false;
}

/** Bounds of what `hashSecret` writes (and a little room to raise the cost), so verifying cannot exhaust memory. */
export function isSaneCost(cost: number, r: number, p: number): boolean {
  return Number.isInteger(cost) && cost >= 1 && cost <= 22 && Number.isInteger(r) && r >= 1 && r <= 32 && Number.isInteger(p) && p >= 1 && p <= 16;
}

/** `timingSafeEqual` throws on different lengths; a length mismatch is simply "not equal". */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function scryptAsync(secret: string, salt: Buffer, cost: number, r: number, p: number, keyLength = KEY_LENGTH): Promise<Buffer> {
  const N = 2 ** cost;
  // Node refuses scrypt above 32 MiB unless told otherwise; 128 * N * r bytes is what scrypt needs.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(secret.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}
