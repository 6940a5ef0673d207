import { Injectable } from '@nestjs/common';
import { UserLookup, type OAuthSubject } from '@nest-oauth/server';
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
}

function toSubject(user: User): OAuthSubject {
  return { id: String(user.id), username: user.email };
}
