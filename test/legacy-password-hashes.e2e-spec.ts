import { hashSync } from 'bcryptjs';
import request from 'supertest';
import { User } from '../apps/api/src/users/user.entity';
import { DEMO, passwordGrant, startTestApp, type TestApp } from './support/test-app';

/**
 * A user table migrated from a Spring Security app: bcrypt hashes ($2a$ by default, $2y$ and $2b$ as configured)
 * log in through the token endpoint, and the first successful login replaces the hash with the app's scrypt.
 */
describe('users with bcrypt password hashes from a migrated table', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const storedHash = async (email: string) => (await t.dataSource.getRepository(User).findOneByOrFail({ email })).passwordHash;

  it.each(['$2a$', '$2y$', '$2b$'])('log in with a %s hash, which is then stored as scrypt', async (prefix) => {
    const email = `legacy-${prefix.replace(/\$/g, '')}@example.org`;
    const legacy = prefix + hashSync('Spring-era password', 4).slice(4);
    await t.dataSource.getRepository(User).insert({ email, passwordHash: legacy, firstname: 'Legacy', lastname: 'User', roles: ['USER'] });

    const wrong = await passwordGrant(t.http, { username: email, password: 'not it' });
    expect(wrong.status).toBe(400);
    expect(await storedHash(email)).toBe(legacy);

    const login = await passwordGrant(t.http, { username: email, password: 'Spring-era password' });
    expect(login.status).toBe(200);
    const me = await request(t.http).get('/me').set('Authorization', `Bearer ${login.body.access_token}`);
    expect(me.body.email).toBe(email);

    const upgraded = await storedHash(email);
    expect(upgraded).toMatch(/^scrypt\$10\$/);

    // The scrypt hash takes over: the next login works and changes nothing.
    expect((await passwordGrant(t.http, { username: email, password: 'Spring-era password' })).status).toBe(200);
    expect(await storedHash(email)).toBe(upgraded);
  });

  it('leaves the demo user, already on scrypt, as it is', async () => {
    const before = await storedHash(DEMO.username);
    expect((await passwordGrant(t.http)).status).toBe(200);
    expect(await storedHash(DEMO.username)).toBe(before);
  });
});
