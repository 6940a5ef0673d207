import { Injectable } from '@nestjs/common';
import { UserRevocationService } from '@nest-oauth/server';
import type { NewUser } from './users.service';
import { UsersService } from './users.service';
import type { User } from './user.entity';

/** Why an account operation was refused; the message is meant for the operator. */
export class UserAccountError extends Error {
  override readonly name = 'UserAccountError';
}

/** What an operation that ends a user's sessions did. */
export interface SessionsEnded {
  user: User;
  /** How many live grants (each with all of its tokens) were revoked. */
  revokedGrants: number;
}

/**
 * Account operations that touch both the users and their OAuth grants: disabling an account or changing its
 * password must also end every session it has, at once, not when the tokens happen to expire, including logins
 * still in flight (see `UserRevocationService`).
 */
@Injectable()
export class UserAccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly revocation: UserRevocationService,
  ) {}

  async create(input: NewUser): Promise<User> {
    if (input.password.length === 0) throw new UserAccountError('The password must not be empty');
    if (await this.users.findByEmail(input.email)) throw new UserAccountError(`A user with email "${input.email.trim()}" already exists`);
    return this.users.create(input);
  }

  /**
   * Disables the account and revokes every grant of it; repeating it is harmless. The revocation comes after the
   * change is stored: a login that read the account before the change is then refused when it stores its grant.
   */
  async disable(email: string, now = new Date()): Promise<SessionsEnded & { wasDisabled: boolean }> {
    const user = await this.require(email);
    await this.users.setDisabled(user.id, true);
    const revokedGrants = await this.revocation.revokeUser(String(user.id), 'user disabled', now);
    return { user, revokedGrants, wasDisabled: user.disabled };
  }

  /** Replaces the password and revokes every grant of the account, so no session outlives the old password. */
  async setPassword(email: string, password: string, now = new Date()): Promise<SessionsEnded> {
    if (password.length === 0) throw new UserAccountError('The password must not be empty');
    const user = await this.require(email);
    await this.users.setPassword(user.id, password);
    const revokedGrants = await this.revocation.revokeUser(String(user.id), 'password changed', now);
    return { user, revokedGrants };
  }

  private async require(email: string): Promise<User> {
    const user = await this.users.findByEmail(email);
    if (!user) throw new UserAccountError(`No user with email "${email.trim()}"`);
    return user;
  }
}
