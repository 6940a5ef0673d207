import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals the tokens that replaced a refresh token under a key derived from that refresh token itself, so that
 * within the reuse grace window a client retrying the old token can be given the very same new tokens, while
 * the database still holds no usable token: opening the seal takes the old token, which only the client has.
 * AES-256-GCM with a key from HKDF-SHA256; the output is base64url(iv | tag | ciphertext).
 */
export function sealSuccessor(refreshToken: string, successor: { accessToken: string; refreshToken: string }): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(refreshToken), iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(successor), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
}

/** The sealed tokens, or `null` when the seal does not open with this refresh token. */
export function openSuccessor(refreshToken: string, sealed: string): { accessToken: string; refreshToken: string } | null {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(refreshToken), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    const parsed = JSON.parse(plain) as { accessToken?: unknown; refreshToken?: unknown };
    return typeof parsed.accessToken === 'string' && typeof parsed.refreshToken === 'string'
      ? { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken }
      : null;
  } catch {
    return null;
  }
}

function deriveKey(refreshToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', refreshToken, Buffer.alloc(0), 'oauth refresh token successor', 32));
}
