import { Injectable } from '@nestjs/common';
import { HashLimiter } from '../crypto/hash-limiter';
import { dummySecretHash, isScryptHash, verifySecret } from '../crypto/secret-hash';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';

/**
 * Checks a presented client secret against its stored hash, with every scrypt check through `HashLimiter`. Every
 * failure costs one scrypt check: a wrong typed secret checks its own hash; an unknown client, a wrong generated
 * secret (whose digest compare alone would be fast) and a stored value in no known format check a dummy hash with
 * the parameters of typed secrets. So the time a failure takes does not tell which client ids exist.
 */
@Injectable()
export class ClientSecretVerifier {
  private readonly dummyHash: string;

  constructor(
    private readonly limiter: HashLimiter,
    @InjectOAuthOptions() options: ResolvedOAuthOptions,
  ) {
    this.dummyHash = dummySecretHash(options.clientSecretHash);
  }

  /** Whether `secret` matches `stored`; `stored` is `null` when no client has the presented id. */
  async verify(secret: string, stored: string | null): Promise<boolean> {
    if (stored !== null && isScryptHash(stored)) return this.limiter.run(() => verifySecret(secret, stored));
    // A generated secret is checked by its digest, too cheap to need a slot.
    if (stored !== null && (await verifySecret(secret, stored))) return true;
    await this.limiter.run(() => verifySecret(secret, this.dummyHash));
    return false;
  }
}
