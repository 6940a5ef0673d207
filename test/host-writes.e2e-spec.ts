import { GrantRepository, type AccessTokenRecord, type OAuthGrant } from '@nest-oauth/server';
import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { User } from '../apps/api/src/users/user.entity';
import { basicAuth, createClient, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';
import { TEST_ON_POSTGRES } from './support/test-database';

/**
 * Containment: the OAuth storage shares the host's database, never the host's transactions. The host writes its
 * own entity (the app's users) through its own repository on the same DataSource, one write after another,
 * while hundreds of token grants run over HTTP, some failing on purpose (refresh-token reuse, concurrent
 * refreshes of one token, and grants stored twice, whose second write the storage rolls back). Every host
 * write must succeed, and every row it wrote must be there afterwards.
 */

jest.setTimeout(300_000);

/** HTTP scenarios (each a few requests) and how many run at once. */
const SCENARIOS = 120;
const CONCURRENT_SCENARIOS = 8;
/** The host keeps writing until the grants are done, and at least this often. */
const MIN_HOST_WRITES = 60;

type Outcome = { what: string; expected: number | 'one winner'; got: number | number[] };

describe(`host writes beside the OAuth storage, on ${TEST_ON_POSTGRES ? 'PostgreSQL' : 'sqlite'}`, () => {
  let t: TestApp;
  const service = basicAuth('host_writes_service', 'host-writes-secret');

  beforeAll(async () => {
    t = await startTestApp();
    await createClient(t.dataSource, { id: 'host_writes_service', secret: 'host-writes-secret', grants: ['client_credentials'], scopes: ['read'] });
  });
  afterAll(() => t.close());

  const clientCredentials = () =>
    request(t.http).post('/oauth/token').set('Authorization', service).type('form').send({ grant_type: 'client_credentials' });

  /** A password grant, three refreshes of the newest token, then a reuse of the first (which revokes the family). */
  async function refreshChain(outcomes: Outcome[]): Promise<void> {
    const first = await passwordGrant(t.http);
    outcomes.push({ what: 'password', expected: 200, got: first.status });
    let latest = first.body.refresh_token as string;
    for (let step = 0; step < 3; step++) {
      const next = await refreshGrant(t.http, latest);
      outcomes.push({ what: 'refresh', expected: 200, got: next.status });
      latest = next.body.refresh_token;
    }
    outcomes.push({ what: 'refresh reuse', expected: 400, got: (await refreshGrant(t.http, first.body.refresh_token)).status });
  }

  /** Four refreshes of one token at once: one rotates it, the others find it claimed. */
  async function refreshRace(outcomes: Outcome[]): Promise<void> {
    const first = await passwordGrant(t.http);
    outcomes.push({ what: 'password', expected: 200, got: first.status });
    const racers = await Promise.all(Array.from({ length: 4 }, () => refreshGrant(t.http, first.body.refresh_token)));
    outcomes.push({ what: 'concurrent refreshes', expected: 'one winner', got: racers.map((response) => response.status) });
  }

  /** Three client_credentials grants, and a grant stored twice through the storage: the second write fails and is rolled back. */
  async function clientsAndDuplicate(
    outcomes: Outcome[],
    duplicates: { accessDigest: string; created: boolean; duplicateRefused: boolean }[],
  ): Promise<void> {
    const grants = t.app.get(GrantRepository);
    const grant: OAuthGrant = {
      id: randomUUID(),
      clientId: 'host_writes_service',
      userId: null,
      grantType: 'client_credentials',
      scope: ['read'],
      createdAt: new Date(),
      revokedAt: null,
      revokedReason: null,
    };
    const accessToken = (): AccessTokenRecord => ({
      digest: randomBytes(32).toString('hex'),
      grantId: grant.id,
      scope: ['read'],
      expiresAt: new Date(Date.now() + 3_600_000),
      createdAt: new Date(),
    });
    const responses = Promise.all([clientCredentials(), clientCredentials(), clientCredentials()]);
    const created = await grants.create(grant, { accessToken: accessToken(), refreshToken: null }).then(
      () => true,
      () => false,
    );
    const again = accessToken();
    const duplicateRefused = await grants.create(grant, { accessToken: again, refreshToken: null }).then(
      () => false,
      () => true,
    );
    duplicates.push({ accessDigest: again.digest, created, duplicateRefused });
    for (const response of await responses) outcomes.push({ what: 'client_credentials', expected: 200, got: response.status });
  }

  it('lets every host save() and insert() on the shared DataSource succeed and stay, during hundreds of token grants', async () => {
    const users = t.dataSource.getRepository(User);
    const hostWrites: { email: string; error?: string }[] = [];
    let grantsDone = false;
    const host = (async () => {
      for (let index = 0; !grantsDone || index < MIN_HOST_WRITES; index++) {
        const email = `host-write-${index}@example.test`;
        try {
          // Both of TypeORM's ways: save() runs in a transaction of its own, insert() as a single statement.
          if (index % 2 === 0) await users.save(users.create({ email, passwordHash: 'not a hash', roles: ['USER'] }));
          else await users.insert({ email, passwordHash: 'not a hash', roles: ['USER'] });
          hostWrites.push({ email });
        } catch (error) {
          hostWrites.push({ email, error: error instanceof Error ? error.message : String(error) });
        }
      }
    })();

    const outcomes: Outcome[] = [];
    const duplicates: { accessDigest: string; created: boolean; duplicateRefused: boolean }[] = [];
    let next = 0;
    const worker = async () => {
      for (let scenario = next++; scenario < SCENARIOS; scenario = next++) {
        if (scenario % 3 === 0) await refreshChain(outcomes);
        else if (scenario % 3 === 1) await refreshRace(outcomes);
        else await clientsAndDuplicate(outcomes, duplicates);
      }
    };
    try {
      await Promise.all(Array.from({ length: CONCURRENT_SCENARIOS }, worker));
    } finally {
      grantsDone = true;
      await host;
    }

    // The host: every write resolved, and every row it wrote is there.
    expect(hostWrites.filter((write) => write.error)).toEqual([]);
    expect(hostWrites.length).toBeGreaterThanOrEqual(MIN_HOST_WRITES);
    const stored = await t.sql<{ email: string }>("SELECT email FROM users WHERE email LIKE 'host-write-%'");
    expect(stored.map((row) => row.email).sort()).toEqual(hostWrites.map((write) => write.email).sort());

    // The grants: what should succeed did, what should fail failed, in hundreds of requests.
    const requests = outcomes.reduce((sum, outcome) => sum + (Array.isArray(outcome.got) ? outcome.got.length : 1), 0);
    expect(requests).toBeGreaterThanOrEqual(400);
    const unexpected = outcomes.filter((outcome) =>
      outcome.expected === 'one winner'
        ? !Array.isArray(outcome.got) ||
          outcome.got.filter((status) => status === 200).length !== 1 ||
          outcome.got.some((status) => status !== 200 && status !== 400)
        : outcome.got !== outcome.expected,
    );
    expect(unexpected).toEqual([]);
    // Each grant stored twice: the first write kept, the second refused and rolled back, its token gone with it.
    expect(duplicates.filter((duplicate) => !duplicate.created || !duplicate.duplicateRefused)).toEqual([]);
    const leaked = await t.sql(
      `SELECT digest FROM oauth_access_tokens WHERE digest IN (${duplicates.map(() => '?').join(', ')})`,
      duplicates.map((duplicate) => duplicate.accessDigest),
    );
    expect(leaked).toEqual([]);
  });
});
