import { AccessTokenRepository, GrantRepository, UserRevocationService } from '@nest-oauth/server';
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { UsersService } from '../apps/api/src/users/users.service';
import { runCliProcess, type CliProcessRun } from './support/cli-process';
import { DEMO, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';
import { TEST_ON_POSTGRES } from './support/test-database';

/**
 * Password logins in the hash queue: with one hash at a time, a burst of logins is answered one by one over
 * seconds, and each of them read the user (with the password hash it will check) when it arrived.
 */
const BURST = 60;

interface Answered {
  response: request.Response;
  answeredAt: number;
}

interface Burst {
  answers: Answered[];
  changeStartedAt: number;
  changedAt: number;
}

/**
 * A password change or a disable must end every login made with the old credentials, including the logins that
 * were already past the user read when the command ran and are answered afterwards. Races with real concurrent
 * requests against the real app, and with the admin CLI as its own process.
 */
describe(`credentials changed while password logins are in flight (${TEST_ON_POSTGRES ? 'PostgreSQL' : 'sqlite'})`, () => {
  jest.setTimeout(180_000);

  let t: TestApp;

  beforeEach(async () => {
    // A cost above the suite's usual 10, one hash at a time: the burst takes seconds to drain, far longer than
    // the command, so some of its logins are answered after the command has returned. No lockout: logins that
    // read the user after the change count as failures, and would lock the account for the checks that follow.
    t = await startTestApp({
      PASSWORD_HASH_COST: '12',
      OAUTH_HASH_CONCURRENCY: '1',
      // The whole burst waits in the hash queue: none of it may be refused for the queue's length or age.
      OAUTH_HASH_QUEUE_MAX: String(BURST),
      OAUTH_HASH_QUEUE_TIMEOUT_MS: '600000',
      OAUTH_LOGIN_MAX_FAILURES: '0',
    });
  });
  afterEach(() => t.close());

  const me = (accessToken: string) => request(t.http).get('/me').set('Authorization', `Bearer ${accessToken}`);

  /** The admin CLI, as its own process, on the app's database. */
  const cli = (args: string[]) => runCliProcess(args, t.database.env);

  /**
   * Sends the burst of logins with the demo user's current password, runs `change` once the first answers show
   * the burst is being served (its logins have read the user by then, or most of them: a straggler that reads it
   * after the change is refused as a wrong password or a disabled account), and returns every answer with when
   * it came, and when `change` started and returned.
   */
  async function burstAround(change: () => Promise<void>): Promise<Burst> {
    let answered = 0;
    let firstAnswers!: () => void;
    const served = new Promise<void>((resolve) => (firstAnswers = resolve));
    // Each login spells the username its own way (the app compares emails case-insensitively): identical
    // concurrent logins would share one password check, and the burst would be answered all at once.
    const logins = Array.from({ length: BURST }, (_, index) =>
      passwordGrant(t.http, { username: spelling(DEMO.username, index) }).then((response) => {
        if (++answered === 3) firstAnswers();
        return { response, answeredAt: Date.now() };
      }),
    );
    await served;
    const changeStartedAt = Date.now();
    await change();
    const changedAt = Date.now();
    return { answers: await Promise.all(logins), changeStartedAt, changedAt };
  }

  /** `name` with the letters whose position matches a set bit of `variant` in upper case. */
  function spelling(name: string, variant: number): string {
    let letter = 0;
    return [...name].map((char) => (/[a-z]/.test(char) && (variant >> letter++) & 1 ? char.toUpperCase() : char)).join('');
  }

  /** What no login with the old credentials may have: a token that works once the change has returned. */
  async function expectNoLiveTokens({ answers, changeStartedAt, changedAt }: Burst): Promise<void> {
    // Logins answered before the change started succeeded; the ones answered after it returned were in the hash
    // queue all along. Without both, the burst did not straddle the change and this run proved nothing.
    expect(answers.filter((answer) => answer.answeredAt <= changeStartedAt && answer.response.status === 200).length).toBeGreaterThanOrEqual(3);
    const late = answers.filter((answer) => answer.answeredAt > changedAt);
    expect(late.length).toBeGreaterThan(0);
    // Each login either was refused, or got tokens that the change has ended.
    for (const { response } of answers) {
      if (response.status === 200) {
        expectOAuthError(await me(response.body.access_token), 401, 'invalid_token');
        expectOAuthError(await refreshGrant(t.http, response.body.refresh_token), 400, 'invalid_grant');
      } else {
        expectOAuthError(response, 400, 'invalid_grant');
      }
    }
  }

  it('user:set-password, run as its own process: no login with the old password keeps a working token', async () => {
    let run!: CliProcessRun;
    const result = await burstAround(async () => {
      run = await cli(['user:set-password', '--email', DEMO.username, '--password', 'a new password']);
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });

    await expectNoLiveTokens(result);
    const fresh = await passwordGrant(t.http, { password: 'a new password' });
    expect(fresh.status).toBe(200);
    expect((await me(fresh.body.access_token)).status).toBe(200);
  });

  // While the user is disabled, the app's own check refuses the tokens anyway; they must stay dead once the account
  // is enabled again: a disable ends the logins, it does not only hide them.
  it('user:disable, run as its own process: no login from before it works again, even after the user is re-enabled', async () => {
    const users = t.app.get(UsersService);
    const user = (await users.findByEmail(DEMO.username))!;
    let run!: CliProcessRun;
    const result = await burstAround(async () => {
      run = await cli(['user:disable', '--email', DEMO.username]);
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    await expectNoLiveTokens(result);
    expectOAuthError(await passwordGrant(t.http), 400, 'invalid_grant');

    await users.setDisabled(user.id, false);
    await expectNoLiveTokens(result);
    expect((await passwordGrant(t.http)).status).toBe(200);
  });

  it('a host that disables the user itself and calls UserRevocationService.revokeUser(): the same holds', async () => {
    const users = t.app.get(UsersService);
    const user = (await users.findByEmail(DEMO.username))!;
    const result = await burstAround(async () => {
      await users.setDisabled(user.id, true);
      await t.app.get(UserRevocationService).revokeUser(String(user.id), 'user disabled');
    });
    await expectNoLiveTokens(result);

    await users.setDisabled(user.id, false);
    await expectNoLiveTokens(result);
  });
});

/**
 * The property the logins above rely on, at the storage level and under contention: a grant's creation (against a
 * revocation mark read before) and a revocation of the same user, run at the same moment, never both succeed
 * with the grant left live. On PostgreSQL this needs the creation and the revocation to serialise on the user's
 * row (READ COMMITTED would otherwise let the revocation's UPDATE miss a grant committed just after it started).
 */
describe(`a grant's creation racing its user's revocation (${TEST_ON_POSTGRES ? 'PostgreSQL' : 'sqlite'})`, () => {
  jest.setTimeout(180_000);

  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('either refuses the grant or revokes it, in every one of many concurrent rounds', async () => {
    const grants = t.app.get(GrantRepository);
    const accessTokens = t.app.get(AccessTokenRepository);
    const round = async (userId: string, revokeFirst: boolean) => {
      const mark = await grants.userRevocationMark();
      const now = new Date();
      const grant = {
        id: randomUUID(),
        clientId: DEMO.clientId,
        userId,
        grantType: 'password',
        scope: ['read'],
        createdAt: now,
        revokedAt: null,
        revokedReason: null,
      };
      const accessToken = {
        digest: digestOf(randomUUID()),
        grantId: grant.id,
        scope: ['read'],
        expiresAt: new Date(now.getTime() + 3_600_000),
        createdAt: now,
      };
      const create = () => grants.create(grant, { accessToken, refreshToken: null }, { userRevocationMark: mark });
      const revoke = () => grants.revokeAllForUser(userId, 'race', now);
      // Started in both orders: sqlite's writes run in the order they were started.
      const created = revokeFirst ? (await Promise.all([revoke(), create()]))[1] : (await Promise.all([create(), revoke()]))[0];
      const stored = await accessTokens.findByDigest(accessToken.digest);
      return { created, live: stored !== null && stored.grant.revokedAt === null };
    };
    const outcomes: { created: boolean; live: boolean }[] = [];
    // Users seen before (their row exists) and users never seen (the row is created by whichever comes first).
    for (let batch = 0; batch < 20; batch++) {
      const users = Array.from({ length: 20 }, (_, index) => (batch % 2 === 0 ? `user-${index}` : randomUUID()));
      outcomes.push(...(await Promise.all(users.map((userId, index) => round(userId, index % 2 === 0)))));
    }
    expect(outcomes.filter((outcome) => outcome.live)).toEqual([]);
    // Both orders happened: some grants were created (and revoked), some refused.
    expect(outcomes.some((outcome) => outcome.created)).toBe(true);
    expect(outcomes.some((outcome) => !outcome.created)).toBe(true);
  });
});

function digestOf(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
