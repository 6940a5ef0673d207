import type { OAuthJwtOptions } from '@nest-oauth/server';
import { exportJWK, generateKeyPair, importPKCS8, type JWK } from 'jose';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What the key file holds: the signing key, and the public keys it replaced with when they retired. */
interface KeyFile {
  current: JWK;
  previous: { publicKey: JWK; retiredAt: string }[];
}

/**
 * The JWT signing keys: from `OAUTH_JWT_PRIVATE_KEY` (a PKCS#8 PEM, ES256) when set, otherwise from a key file,
 * generated on first use. The file is the one secret this app keeps on disk; it is written readable by its
 * owner only, like a TLS key.
 */
export async function loadJwtSigningKeys(source: { privateKeyPem?: string; keyFile: string }): Promise<OAuthJwtOptions> {
  if (source.privateKeyPem) {
    const key = await importPKCS8(source.privateKeyPem, 'ES256', { extractable: true });
    return { privateKey: { ...(await exportJWK(key)), alg: 'ES256' } };
  }
  const file = existsSync(source.keyFile) ? readKeyFile(source.keyFile) : await writeNewKeyFile(source.keyFile, []);
  return {
    privateKey: file.current,
    previousKeys: file.previous.map((key) => ({ publicKey: key.publicKey, retiredAt: new Date(key.retiredAt) })),
  };
}

/**
 * Retires the current key (its public half stays in the file, and published, until its tokens have expired)
 * and generates a new signing key. Returns the new key's public JWK.
 */
export async function rotateJwtKeyFile(keyFile: string, now = new Date()): Promise<JWK> {
  const previous = existsSync(keyFile) ? readKeyFile(keyFile) : undefined;
  const retired = previous ? [{ publicKey: publicPart(previous.current), retiredAt: now.toISOString() }, ...previous.previous] : [];
  const next = await writeNewKeyFile(keyFile, retired);
  return publicPart(next.current);
}

function readKeyFile(path: string): KeyFile {
  return JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
}

async function writeNewKeyFile(path: string, previous: KeyFile['previous']): Promise<KeyFile> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const file: KeyFile = { current: { ...(await exportJWK(privateKey)), alg: 'ES256' }, previous };
  // Usually the sqlite file's directory too (data/): created for the owner alone, as the database does.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return file;
}

function publicPart(jwk: JWK): JWK {
  const { d: _private, ...publicJwk } = jwk;
  return publicJwk;
}
