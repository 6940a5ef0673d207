import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { constantTimeEqual, verifySecret } from '../crypto/secret-hash';
import { ClientRepository, type OAuthClient } from '../repositories/client.repository';
import { ClientThrottle } from '../throttle/client-throttle';

/** How many clients' verified secrets are remembered; the oldest entry goes first beyond that. */
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
  private readonly verified = new Map<string, { secretHash: string; secretDigest: Buffer }>();

  constructor(
    private readonly clients: ClientRepository,
    private readonly throttle: ClientThrottle,
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
      if (!client) return null;
      if (!(await verifySecret(secret, client.secretHash))) return null;
      this.remember(clientId, { secretHash: client.secretHash, secretDigest });
      return client;
    });
  }

  private remember(clientId: string, entry: { secretHash: string; secretDigest: Buffer }): void {
    this.verified.delete(clientId);
    if (this.verified.size >= VERIFIED_SECRETS_LIMIT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(clientId, entry);
  }
}
