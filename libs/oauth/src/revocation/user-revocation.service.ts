import { Injectable, Optional } from '@nestjs/common';
import { OAuthEvents } from '../events/oauth-events';
import { BrowserSessionRepository } from '../repositories/browser-session.repository';
import { GrantRepository } from '../repositories/grant.repository';

/**
 * What a host calls when a user's credentials stop being valid: a new password, a disabled or deleted account.
 * Call it after that change is committed in the host's own storage.
 *
 * Once `revokeUser` returns, no token issued for the old credentials works, and no browser is still signed in at the
 * authorization endpoint with them: every live grant and every browser session of the user is
 * revoked, and a password login that checked the old credentials but had not yet stored its grant (it was
 * waiting to hash, say) is refused when it tries (see `GrantRepository.userRevocationMark`). The limit: a JWT
 * access token stays valid until it expires.
 *
 * `OAuthModule` provides and exports it. A process that only administers storage, without the module (an admin
 * CLI on the same database), may list it among its providers next to the storage module.
 */
@Injectable()
export class UserRevocationService {
  constructor(
    private readonly grants: GrantRepository,
    // Absent outside OAuthModule, where no one listens.
    @Optional() private readonly events?: OAuthEvents,
    // Optional for a storage written before the authorization endpoint existed.
    @Optional() private readonly sessions?: BrowserSessionRepository,
  ) {}

  /** Revokes every grant of the user, and refuses logins already past the credentials check; returns how many grants. */
  async revokeUser(userId: string, reason: string, now = new Date()): Promise<number> {
    const revokedGrants = await this.grants.revokeAllForUser(userId, reason, now);
    await this.sessions?.deleteForUser(userId);
    this.events?.emit({ type: 'user.revoked', userId, reason, revokedGrants });
    return revokedGrants;
  }
}
