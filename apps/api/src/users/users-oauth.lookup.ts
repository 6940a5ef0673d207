import { Injectable } from '@nestjs/common';
import { UserLookup, type OAuthSubject, type OAuthUserClaims } from '@nest-oauth/server';
import type { User } from './user.entity';
import { UsersService } from './users.service';

/** How the OAuth module sees this app's users. */
@Injectable()
export class UsersOAuthLookup extends UserLookup {
  constructor(private readonly users: UsersService) {
    super();
  }

  async verifyCredentials(username: string, password: string): Promise<OAuthSubject | null> {
    const user = await this.users.verifyCredentials(username, password);
    return user ? toSubject(user) : null;
  }

  async findById(id: string): Promise<OAuthSubject | null> {
    const numericId = Number(id);
    if (!Number.isSafeInteger(numericId)) return null;
    const user = await this.users.findById(numericId);
    return user && !user.disabled ? toSubject(user) : null;
  }

  /** OpenID Connect claims: the module releases the names for `profile` and the address for `email`. */
  override async claims(id: string): Promise<OAuthUserClaims | null> {
    const numericId = Number(id);
    const user = Number.isSafeInteger(numericId) ? await this.users.findById(numericId) : null;
    if (!user || user.disabled) return null;
    const name = [user.firstname, user.lastname].filter(Boolean).join(' ');
    return {
      ...(name ? { name } : {}),
      ...(user.firstname ? { given_name: user.firstname } : {}),
      ...(user.lastname ? { family_name: user.lastname } : {}),
      email: user.email,
      // Nothing in this app proves that the user can read mail at that address.
      email_verified: false,
    };
  }
}

function toSubject(user: User): OAuthSubject {
  return { id: String(user.id), username: user.email };
}
