import { Inject, Injectable } from '@nestjs/common';
import { hashSecret, verifySecret } from '@nest-oauth/server';
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
 * How this app stores and checks user passwords. New hashes are scrypt (`hashSecret`). Verification also accepts
 * bcrypt, so a user table migrated from another system (Spring Security, Laravel, Devise ...) keeps working; such
 * a hash `needsRehash`, and `UsersService` replaces it with scrypt on the user's next successful login.
 */
@Injectable()
export class PasswordHasher {
  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'passwordHashCost'>) {}

  /**
   * scrypt, from node:crypto: memory-hard (GPUs and ASICs gain little against it), a recommendation of the OWASP
   * Password Storage Cheat Sheet, and built into Node, so there is no native module to compile or download.
   */
  hash(password: string): Promise<string> {
    return hashSecret(password, { cost: this.config.passwordHashCost });
  }

  /** Whether `password` matches `stored`, a scrypt or a bcrypt hash; `false` for anything else, damaged hashes included. */
  async verify(password: string, stored: string): Promise<boolean> {
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
   * not scrypt (bcrypt, from a migration), and scrypt below the configured cost (after the cost was raised).
   */
  needsRehash(stored: string): boolean {
    const [scheme, cost] = stored.split('$');
    return scheme !== 'scrypt' || !(Number(cost) >= this.config.passwordHashCost);
  }
}
