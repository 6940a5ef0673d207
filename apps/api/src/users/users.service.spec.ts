import { hashSync } from 'bcryptjs';
import type { Repository } from 'typeorm';
import { PasswordHasher } from './password-hasher';
import type { User } from './user.entity';
import { UsersService } from './users.service';

/** scrypt at the lowest cost the app accepts, so the spec stays quick. */
const CONFIG = { passwordHashCost: 10 };

/** bcrypt as Spring Security's BCryptPasswordEncoder(version = $2Y) writes it: bcryptjs writes $2b$, same algorithm. */
const springBcrypt = (password: string, prefix: '$2a$' | '$2b$' | '$2y$' = '$2y$') => prefix + hashSync(password, 4).slice(4);

/** Just the repository calls UsersService makes, over an array. */
class FakeUserRepository {
  readonly rows: User[] = [];
  readonly updates: { where: Partial<User>; values: Partial<User> }[] = [];

  async findOneBy(where: Partial<User>): Promise<User | null> {
    const row = this.rows.find((candidate) => matches(candidate, where));
    return row ? { ...row } : null;
  }

  async update(where: Partial<User>, values: Partial<User>): Promise<{ affected: number }> {
    this.updates.push({ where, values });
    const hits = this.rows.filter((row) => matches(row, where));
    for (const row of hits) Object.assign(row, values);
    return { affected: hits.length };
  }

  add(user: Partial<User> & Pick<User, 'email' | 'passwordHash'>): User {
    const row = { id: this.rows.length + 1, firstname: '', lastname: '', roles: ['USER'], disabled: false, ...user } as User;
    this.rows.push(row);
    return row;
  }
}

function matches(row: User, where: Partial<User>): boolean {
  return Object.entries(where).every(([key, value]) => row[key as keyof User] === value);
}

/** Counts verifications, to show the unknown-user path does the same work. */
class CountingHasher extends PasswordHasher {
  readonly verified: string[] = [];

  override verify(password: string, stored: string): Promise<boolean> {
    this.verified.push(stored);
    return super.verify(password, stored);
  }
}

async function setUp() {
  const repository = new FakeUserRepository();
  const hasher = new CountingHasher(CONFIG);
  const users = new UsersService(repository as unknown as Repository<User>, hasher);
  await users.onModuleInit();
  return { repository, hasher, users };
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(CONFIG);

  it('hashes with scrypt at the configured cost, and verifies its own hashes', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^scrypt\$10\$/);
    expect(await hasher.verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('wrong horse', hash)).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it.each(['$2a$', '$2b$', '$2y$'] as const)('verifies %s bcrypt hashes, and wants them replaced', async (prefix) => {
    const hash = springBcrypt('correct horse', prefix);
    expect(hash.startsWith(prefix)).toBe(true);
    expect(await hasher.verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('wrong horse', hash)).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(true);
  });

  it("verifies a hash in BCryptPasswordEncoder's default form ($2a$, strength 10), written by another implementation", async () => {
    // "password", hashed elsewhere: a fixed value, not one bcryptjs produced in this run.
    expect(await hasher.verify('password', '$2a$10$FBAKClV1zBIOOC9XMXf3AO8RoGXYVYsfvUdoLxGkd/BnXEn4tqT3u')).toBe(true);
  });

  it('fails closed on damaged or absurd hashes instead of throwing or hanging', async () => {
    const good = springBcrypt('pw');
    for (const stored of [
      '',
      'plain text',
      good.slice(0, -1),
      '$2x$' + good.slice(4),
      good.replace(/^\$2y\$04\$/, '$2y$31$'),
      '$2y$03$' + good.slice(7),
    ]) {
      expect(await hasher.verify('pw', stored)).toBe(false);
    }
  });

  it('wants scrypt hashes below the configured cost replaced, not those at or above it', async () => {
    const cheap = await new PasswordHasher({ passwordHashCost: 9 }).hash('pw');
    expect(hasher.needsRehash(cheap)).toBe(true);
    expect(new PasswordHasher({ passwordHashCost: 9 }).needsRehash(await hasher.hash('pw'))).toBe(false);
  });
});

describe('UsersService.verifyCredentials with migrated password hashes', () => {
  it('accepts a $2y$ bcrypt hash and replaces it with scrypt after the login', async () => {
    const { repository, users } = await setUp();
    const legacy = springBcrypt('s3cret!', '$2y$');
    const row = repository.add({ email: 'ada@example.org', passwordHash: legacy });

    const user = await users.verifyCredentials('Ada@Example.org', 's3cret!');

    expect(user?.id).toBe(row.id);
    expect(row.passwordHash).toMatch(/^scrypt\$10\$/);
    // Conditional on the hash just verified, so a concurrent password change is not overwritten.
    expect(repository.updates).toEqual([{ where: { id: row.id, passwordHash: legacy }, values: { passwordHash: row.passwordHash } }]);
    // And the new hash works from then on.
    expect(await users.verifyCredentials('ada@example.org', 's3cret!')).not.toBeNull();
    expect(repository.updates).toHaveLength(1);
  });

  it('does not rehash on a wrong password', async () => {
    const { repository, users } = await setUp();
    const legacy = springBcrypt('s3cret!');
    const row = repository.add({ email: 'ada@example.org', passwordHash: legacy });

    expect(await users.verifyCredentials('ada@example.org', 'not it')).toBeNull();

    expect(row.passwordHash).toBe(legacy);
    expect(repository.updates).toEqual([]);
  });

  it('does not rehash for a disabled account, which does not log in', async () => {
    const { repository, users } = await setUp();
    const legacy = springBcrypt('s3cret!');
    const row = repository.add({ email: 'ada@example.org', passwordHash: legacy, disabled: true });

    expect(await users.verifyCredentials('ada@example.org', 's3cret!')).toBeNull();
    expect(row.passwordHash).toBe(legacy);
  });

  it('keeps an scrypt hash at the configured cost as it is', async () => {
    const { repository, users } = await setUp();
    const row = repository.add({ email: 'ada@example.org', passwordHash: await new PasswordHasher(CONFIG).hash('s3cret!') });
    expect(await users.verifyCredentials('ada@example.org', 's3cret!')).not.toBeNull();
    expect(repository.updates).toEqual([]);
    expect(row.passwordHash).toMatch(/^scrypt\$/);
  });

  it('runs exactly one hash verification for an unknown user, against the dummy scrypt hash', async () => {
    const { hasher, users } = await setUp();

    expect(await users.verifyCredentials('nobody@example.org', 'whatever')).toBeNull();

    expect(hasher.verified).toHaveLength(1);
    expect(hasher.verified[0]).toMatch(/^scrypt\$10\$/);
  });

  it('runs exactly one verification for a known user too', async () => {
    const { repository, hasher, users } = await setUp();
    repository.add({ email: 'ada@example.org', passwordHash: await new PasswordHasher(CONFIG).hash('s3cret!') });
    await users.verifyCredentials('ada@example.org', 'wrong');
    expect(hasher.verified).toHaveLength(1);
  });

  it('still logs the user in when storing the new hash fails, and tries again next time', async () => {
    const { repository, users } = await setUp();
    const legacy = springBcrypt('s3cret!');
    const row = repository.add({ email: 'ada@example.org', passwordHash: legacy });
    jest.spyOn(repository, 'update').mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked'));
    jest.spyOn(users['logger'], 'warn').mockImplementation(() => undefined);

    expect(await users.verifyCredentials('ada@example.org', 's3cret!')).not.toBeNull();
    expect(row.passwordHash).toBe(legacy);

    expect(await users.verifyCredentials('ada@example.org', 's3cret!')).not.toBeNull();
    expect(row.passwordHash).toMatch(/^scrypt\$/);
  });
});
