import { Inject, Injectable, Optional } from '@nestjs/common';
import { HashLimiter, hashSecret, verifySecret } from '@nest-oauth/server';
import { compare as bcryptCompare } from 'bcryptjs';
import { APP_CONFIG } from '../config/app-config.provider';
import type { AppConfig } from '../config/app-config';

/**
 * A bcrypt hash as Spring Security's BCryptPasswordEncoder (and most bcrypt libraries) write it:
 * `$2a$`, `$2b$` or `$2y$`, a two-digit cost, then 22 characters of salt and 31 of hash.
 */
const BCRYPT_HASH = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
/**
 * Costs beyond which a stored bcrypt hash is treated as damaged rather than verified: each step doubles the
 * work, and a pure-JavaScript check at cost 31 would hold a login for days. Spring's default strength is 10.
 */
const BCRYPT_MIN_COST = 4;
const BCRYPT_MAX_COST = 16;
/**
 * scrypt's p for new hashes. With the default cost of 15 this is the OWASP Password Storage Cheat Sheet's
 * N = 2^15, r = 8, p = 3 row: as strong as N = 2^17, p = 1, but 32 MiB per hash instead of 128 MiB, and each
 * hash running at once holds that much. `needsRehash` weighs N × p, so hashes written at 2^17, p = 1 stay.
 */
const PASSWORD_HASH_PARALLELISM = 3;

/**
 * How this app stores and checks user passwords. New hashes are scrypt (`hashSecret`). Verification also accepts
 * bcrypt, so a user table migrated from another system (Spring Security, Laravel, Devise ...) keeps working; such
 * a hash `needsRehash`, and `UsersService` replaces it with scrypt on the user's next successful login.
 */
@Injectable()
export class PasswordHasher {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'passwordHashCost'>,
    /**
     * The OAuth module's limiter, which also runs its client-secret checks: every hash and verification waits
     * there for a slot, so one bound covers all the hashing the server does, and a flood of logins is refused
     * with 503 instead of queueing without end. Absent only where the module is not loaded: the admin CLI, which
     * hashes one password per command.
     */
    @Optional() private readonly limiter?: HashLimiter,
  ) {}

  /**
   * scrypt, from node:crypto: memory-hard (GPUs and ASICs gain little against it), a recommendation of the OWASP
   * Password Storage Cheat Sheet, and built into Node, so there is no native module to compile or download.
   */
  hash(password: string): Promise<string> {
    return this.limited(() => hashSecret(password, { cost: this.config.passwordHashCost, parallelism: PASSWORD_HASH_PARALLELISM }));
  }

  /**
   * Whether `password` matches `stored`, a scrypt or a bcrypt hash; `false` for anything else, damaged hashes
   * included. Rejects with the limiter's 503 `OAuthError` when the server is too busy to take the hash on.
   */
  verify(password: string, stored: string): Promise<boolean> {
    return this.limited(() => this.check(password, stored));
  }

  private limited<T>(hash: () => Promise<T>): Promise<T> {
    return this.limiter ? this.limiter.run(hash) : hash();
  }

  private async check(password: string, stored: string): Promise<boolean> {
    const bcrypt = BCRYPT_HASH.exec(stored);
    if (bcrypt) {
      const cost = Number(bcrypt[1]);
      if (cost < BCRYPT_MIN_COST || cost > BCRYPT_MAX_COST) return false;
      // bcrypt hashes the password's UTF-8 bytes as they are (and only the first 72), as the system that wrote
      // the hash did; no Unicode normalisation here, or passwords typed on another platform would stop matching.
      return bcryptCompare(password, stored);
    }
    return verifySecret(password, stored);
  }

  /**
   * Whether `stored` should be replaced by a fresh `hash()` once the password is known to match: anything that is
   * not scrypt (bcrypt, from a migration), and scrypt with less work than the configured setting (after the cost
   * was raised). Work is N × p, not N alone: a hash at 2^17, p = 1, from before p = 3, is no weaker than
   * 2^15, p = 3, and rewriting it would only cost every such user a write at their next login.
   */
  needsRehash(stored: string): boolean {
    const [scheme, cost, , parallelism] = stored.split('$');
    if (scheme !== 'scrypt') return true;
    return !(2 ** Number(cost) * Number(parallelism) >= 2 ** this.config.passwordHashCost * PASSWORD_HASH_PARALLELISM);
  }
}
