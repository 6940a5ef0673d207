import { Injectable } from '@nestjs/common';
import { hashSecret } from '@nest-oauth/server';

export interface User {
  id: string;
  username: string;
  passwordHash: string;
}

/** The app's users. A real app keeps them in its database; this one in memory. */
@Injectable()
export class UsersService {
  private readonly users = new Map<string, User>();

  async register(username: string, password: string): Promise<User> {
    const user = { id: String(this.users.size + 1), username, passwordHash: await hashSecret(password) };
    this.users.set(user.id, user);
    return user;
  }

  async findByUsername(username: string): Promise<User | null> {
    return [...this.users.values()].find((user) => user.username === username) ?? null;
  }

  async findById(id: string): Promise<User | null> {
    return this.users.get(id) ?? null;
  }
}
