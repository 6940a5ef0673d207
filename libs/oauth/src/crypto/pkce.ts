import { createHash } from 'node:crypto';
import { constantTimeEqual } from './secret-hash';

/** RFC 7636 §4.1 and §4.2: 43 to 128 unreserved characters; an S256 challenge is 43 base64url characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function isCodeVerifierSyntax(value: string): boolean {
  return VERIFIER.test(value);
}

export function isS256ChallengeSyntax(value: string): boolean {
  return S256_CHALLENGE.test(value);
}

/** RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge, compared in constant time. */
export function verifiesS256Challenge(verifier: string, challenge: string): boolean {
  const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
  return constantTimeEqual(Buffer.from(computed), Buffer.from(challenge));
}
