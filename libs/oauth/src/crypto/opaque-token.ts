import { createHash, randomBytes } from 'node:crypto';

/** 32 bytes = 256 bits from the CSPRNG, the floor RFC 6749 §10.10 and RFC 9700 §4.14 leave no reason to go below. */
const TOKEN_BYTES = 32;

/** A new opaque token value: 256 random bits, base64url without padding (43 characters). */
export function generateOpaqueToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * What is stored in place of a token. A salt is unnecessary: the input is 256 random bits, so there is nothing
 * to precompute, and an unsalted digest keeps the lookup a single indexed equality match.
 */
export function digestToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
