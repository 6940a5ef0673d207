import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { EntityStatements } from '@nest-oauth/server/typeorm';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';

export interface NewUser {
  email: string;
  password: string;
  firstname?: string;
  lastname?: string;
  roles?: string[];
}

@Injectable()
export class UsersService implements OnModuleInit {
  /** Checked when the user is unknown, so that case costs what a wrong password costs. */
  private dummyHash: string;

  private readonly logger = new Logger('UsersService');

  /** The look-up by id runs on every refresh and every `/me`: a hand-written query, not the query builder. */
  private byId?: EntityStatements<User>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hasher.hash('not a real password');
  }

  async create(input: NewUser): Promise<User> {
    const user = this.users.create({
      email: normalizeEmail(input.email),
      passwordHash: await this.hasher.hash(input.password),
      firstname: input.firstname ?? '',
      lastname: input.lastname ?? '',
      roles: input.roles ?? ['USER'],
    });
    return this.users.save(user);
  }

  findById(id: number): Promise<User | null> {
    this.byId ??= new EntityStatements(this.users.manager.connection, User);
    return this.byId.findOneBy('id', id);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: normalizeEmail(email) });
  }

  /** Disables or re-enables an account; `false` when there is no such user. */
  async setDisabled(id: number, disabled: boolean): Promise<boolean> {
    const result = await this.users.update({ id }, { disabled });
    return (result.affected ?? 0) > 0;
  }

  /** Replaces the password (hashed like at creation); `false` when there is no such user. */
  async setPassword(id: number, password: string): Promise<boolean> {
    const result = await this.users.update({ id }, { passwordHash: await this.hasher.hash(password) });
    return (result.affected ?? 0) > 0;
  }

  /**
   * The active user with these credentials, or `null`; the same work is done whether or not the user exists. A
   * successful login with a hash in an old format (bcrypt from a migrated table) replaces it with scrypt.
   */
  async verifyCredentials(email: string, password: string): Promise<User | null> {
    // Logins are bound by the password hash; the query builder's cost does not show beside it.
    const user = await this.findByEmail(email);
    const matches = await this.hasher.verify(password, user?.passwordHash ?? this.dummyHash);
    if (!user || !matches || user.disabled) return null;
    if (this.hasher.needsRehash(user.passwordHash)) await this.rehash(user, password);
    return user;
  }

  /** Stores a fresh hash of the (just verified) password; a failure leaves the old hash, to be retried next login. */
  private async rehash(user: User, password: string): Promise<void> {
    const previous = user.passwordHash;
    try {
      const next = await this.hasher.hash(password);
      // Only while the stored hash is still the one just verified: a password change in between wins.
      const result = await this.users.update({ id: user.id, passwordHash: previous }, { passwordHash: next });
      if ((result.affected ?? 0) > 0) user.passwordHash = next;
    } catch (error) {
      this.logger.warn(`Could not upgrade the password hash of user #${user.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
