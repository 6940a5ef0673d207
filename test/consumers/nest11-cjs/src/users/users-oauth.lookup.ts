import { Injectable } from '@nestjs/common';
import { hashSecret, UserLookup, verifySecret, type OAuthSubject } from '@nest-oauth/server';
import { UsersService } from './users.service';

/** The app's users, as the OAuth module's password grant sees them. */
@Injectable()
export class UsersOAuthLookup extends UserLookup {
  // An unknown username costs a hash check too, so that the answer's timing does not tell which users exist.
  private readonly dummyHash = hashSecret('no such user');

  constructor(private readonly users: UsersService) {
    super();
  }

  async verifyCredentials(username: string, password: string): Promise<OAuthSubject | null> {
    const user = await this.users.findByUsername(username);
    const valid = await verifySecret(password, user?.passwordHash ?? (await this.dummyHash));
    return user && valid ? { id: user.id, username: user.username } : null;
  }

  async findById(id: string): Promise<OAuthSubject | null> {
    const user = await this.users.findById(id);
    return user ? { id: user.id, username: user.username } : null;
  }
}
