import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../crypto/secret-hash';
import { ClientRepository, type OAuthClient } from '../repositories/client.repository';
import { ClientThrottle } from '../throttle/client-throttle';
import { ClientSecretVerifier } from './client-secret.verifier';

/** How many clients' verified secrets are remembered; the least recently used goes first beyond that. */
const VERIFIED_SECRETS_LIMIT = 1000;

/**
 * Checks a client's id and secret. A human-chosen secret is stored with scrypt, which costs tens of
 * milliseconds; paying that on every token request would put a memory-hard hash on the hot path. So after a
 * successful scrypt check the SHA-256 of the secret is remembered, tied to the stored hash it was checked
 * against: a later request with the same secret costs one digest and a constant-time compare, and a changed
 * secret (a different stored hash) is checked with scrypt again.
 */
@Injectable()
export class ClientAuthenticator {
  private readonly verified = new LRUCache<string, { secretHash: string; secretDigest: Buffer }>({ max: VERIFIED_SECRETS_LIMIT });

  constructor(
    private readonly clients: ClientRepository,
    private readonly throttle: ClientThrottle,
    private readonly secrets: ClientSecretVerifier,
  ) {}

  async authenticate(clientId: string, secret: string): Promise<OAuthClient | null> {
    // An id no client can have never reaches storage (PostgreSQL refuses NUL in text; ids are at most 128 long).
    if (clientId.length === 0 || clientId.length > 128 || clientId.includes('\u0000')) return null;
    const client = await this.clients.findById(clientId);
    const secretDigest = createHash('sha256').update(secret, 'utf8').digest();
    const known = this.verified.get(clientId);
    if (client && known?.secretHash === client.secretHash && constantTimeEqual(known.secretDigest, secretDigest)) {
      await this.throttle.admitVerified(clientId);
      return client;
    }
    // Counted per client id before the secret is checked, unknown ids included (RFC 6749 §10.10).
    return this.throttle.attempt(clientId, secretDigest, async () => {
      // An unknown id is checked against a dummy hash: as much work as a wrong secret, so timing does not tell ids apart.
      const matches = await this.secrets.verify(secret, client?.secretHash ?? null);
      if (!client || !matches) return null;
      this.verified.set(clientId, { secretHash: client.secretHash, secretDigest });
      return client;
    });
  }
}
