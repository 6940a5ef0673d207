import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hashSecret, verifySecret } from '@app/oauth';
import type { Repository } from 'typeorm';
import { APP_CONFIG } from '../config/app-config.provider';
import type { AppConfig } from '../config/app-config';
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

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hashPassword('not a real password');
  }

  async create(input: NewUser): Promise<User> {
    const user = this.users.create({
      email: normalizeEmail(input.email),
      passwordHash: await this.hashPassword(input.password),
      firstname: input.firstname ?? '',
      lastname: input.lastname ?? '',
      roles: input.roles ?? ['USER'],
    });
    return this.users.save(user);
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
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
    const result = await this.users.update({ id }, { passwordHash: await this.hashPassword(password) });
    return (result.affected ?? 0) > 0;
  }

  /** The active user with these credentials, or `null`; the same work is done whether or not the user exists. */
  async verifyCredentials(email: string, password: string): Promise<User | null> {
    const user = await this.users.findOneBy({ email: normalizeEmail(email) });
    const matches = await verifySecret(password, user?.passwordHash ?? this.dummyHash);
    return user && matches && !user.disabled ? user : null;
  }

  /**
   * scrypt, from node:crypto: memory-hard (GPUs and ASICs gain little against it), a recommendation of the OWASP
   * Password Storage Cheat Sheet, and built into Node, so there is no native module to compile or download.
   */
  private hashPassword(password: string): Promise<string> {
    return hashSecret(password, { cost: this.config.passwordHashCost });
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
