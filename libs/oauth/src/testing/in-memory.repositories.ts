import { Injectable } from '@nestjs/common';
import { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from '../repositories/access-token.repository';
import {
  AttemptCounterRepository,
  type AttemptCounterKind,
  type AttemptPolicy,
  type AttemptReservation,
  type AttemptSlot,
} from '../repositories/attempt-counter.repository';
import { AuthorizationCodeRepository, type AuthorizationCodeRecord } from '../repositories/authorization-code.repository';
import { BrowserSessionRepository, type BrowserSessionRecord } from '../repositories/browser-session.repository';
import { ConsentRepository, type ConsentRecord } from '../repositories/consent.repository';
import { ClientRepository, sameOAuthClient, type OAuthClient } from '../repositories/client.repository';
import { GrantRepository, type GrantCreation, type GrantTokens, type OAuthGrant } from '../repositories/grant.repository';
import { RefreshTokenRepository, type RefreshTokenRecord, type RotationSuccessor } from '../repositories/refresh-token.repository';
import { InMemoryOAuthStore } from './in-memory-oauth.store';

/*
 * In-memory implementations of the storage interfaces, for unit tests and for hosts' own tests. Each method
 * runs to completion without awaiting in between, so on Node's single thread each is as atomic as the
 * database versions. Records are copied in and out so a caller cannot change stored state by accident.
 */

const copy = <T>(value: T): T => structuredClone(value);

function withGrant<T extends { grantId: string }>(store: InMemoryOAuthStore, token: T | undefined): TokenWithGrant<T> | null {
  const grant = token && store.grants.get(token.grantId);
  return token && grant ? { token: copy(token), grant: copy(grant) } : null;
}

/** Digests are unique, as the databases' unique indexes make them: a clash fails the whole write, before any of it. */
function refuseTakenDigests(store: InMemoryOAuthStore, accessToken: AccessTokenRecord, refreshToken: RefreshTokenRecord | null): void {
  if (store.accessTokens.has(accessToken.digest)) throw new Error('access token digest exists');
  if (refreshToken && store.refreshTokens.has(refreshToken.digest)) throw new Error('refresh token digest exists');
}

/** Deletes up to `limit` entries of `map` that `matches`; returns how many. */
function deleteWhere<T>(map: Map<string, T>, matches: (value: T) => boolean, limit = Infinity): number {
  let deleted = 0;
  for (const [key, value] of map) {
    if (deleted >= limit) break;
    if (matches(value)) {
      map.delete(key);
      deleted++;
    }
  }
  return deleted;
}

@Injectable()
export class InMemoryClientRepository extends ClientRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async findById(id: string): Promise<OAuthClient | null> {
    const client = this.store.clients.get(id);
    return client ? copy(client) : null;
  }

  async create(client: OAuthClient): Promise<boolean> {
    if (this.store.clients.has(client.id)) return false;
    this.store.clients.set(client.id, copy(client));
    return true;
  }

  async list(): Promise<OAuthClient[]> {
    return [...this.store.clients.values()].sort((a, b) => a.id.localeCompare(b.id)).map(copy);
  }

  async update(expected: OAuthClient, next: OAuthClient): Promise<boolean> {
    const stored = this.store.clients.get(expected.id);
    if (!stored || next.id !== expected.id || !sameOAuthClient(stored, expected)) return false;
    this.store.clients.set(next.id, copy(next));
    return true;
  }

  async delete(id: string): Promise<boolean> {
    return this.store.clients.delete(id);
  }
}

@Injectable()
export class InMemoryGrantRepository extends GrantRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async create(grant: OAuthGrant, tokens: GrantTokens, creation: GrantCreation = {}): Promise<boolean> {
    const { userRevocationMark } = creation;
    if (grant.userId !== null && userRevocationMark !== undefined) {
      if ((this.store.userRevocations.byUser.get(grant.userId) ?? 0) > userRevocationMark) return false;
    }
    if (this.store.grants.has(grant.id)) throw new Error(`grant ${grant.id} exists`);
    refuseTakenDigests(this.store, tokens.accessToken, tokens.refreshToken);
    this.store.grants.set(grant.id, copy(grant));
    this.store.accessTokens.set(tokens.accessToken.digest, copy(tokens.accessToken));
    if (tokens.refreshToken) this.store.refreshTokens.set(tokens.refreshToken.digest, copy(tokens.refreshToken));
    return true;
  }

  async userRevocationMark(): Promise<number> {
    return this.store.userRevocations.sequence;
  }

  async revoke(grantId: string, reason: string, at: Date): Promise<void> {
    this.revokeWhere((grant) => grant.id === grantId, reason, at);
  }

  async revokeAllForUser(userId: string, reason: string, at: Date): Promise<number> {
    const revocations = this.store.userRevocations;
    revocations.byUser.set(userId, ++revocations.sequence);
    return this.revokeWhere((grant) => grant.userId === userId, reason, at);
  }

  async revokeAllForClient(clientId: string, reason: string, at: Date): Promise<number> {
    return this.revokeWhere((grant) => grant.clientId === clientId, reason, at);
  }

  async deleteRevoked(before: Date, limit: number): Promise<number> {
    const revoked = [...this.store.grants.values()].filter((grant) => grant.revokedAt && grant.revokedAt < before).slice(0, limit);
    const ids = new Set(revoked.map((grant) => grant.id));
    deleteWhere(this.store.accessTokens, (token) => ids.has(token.grantId));
    deleteWhere(this.store.refreshTokens, (token) => ids.has(token.grantId));
    return deleteWhere(this.store.grants, (grant) => ids.has(grant.id));
  }

  private revokeWhere(matches: (grant: OAuthGrant) => boolean, reason: string, at: Date): number {
    this.store.revocationMark++;
    let revoked = 0;
    for (const grant of this.store.grants.values()) {
      if (!grant.revokedAt && matches(grant)) {
        Object.assign(grant, { revokedAt: at, revokedReason: reason });
        revoked++;
      }
    }
    return revoked;
  }
}

@Injectable()
export class InMemoryAccessTokenRepository extends AccessTokenRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async findByDigest(digest: string): Promise<TokenWithGrant<AccessTokenRecord> | null> {
    return withGrant(this.store, this.store.accessTokens.get(digest));
  }

  async delete(digest: string): Promise<void> {
    this.store.accessTokens.delete(digest);
    this.store.revocationMark++;
  }

  async revocationMark(): Promise<number> {
    return this.store.revocationMark;
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    return deleteWhere(this.store.accessTokens, (token) => token.expiresAt < before, limit);
  }
}

@Injectable()
export class InMemoryRefreshTokenRepository extends RefreshTokenRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async findByDigest(digest: string): Promise<TokenWithGrant<RefreshTokenRecord> | null> {
    return withGrant(this.store, this.store.refreshTokens.get(digest));
  }

  async rotate(digest: string, usedAt: Date, successor: RotationSuccessor, sealedSuccessor: string | null): Promise<boolean> {
    const token = this.store.refreshTokens.get(digest);
    if (!token || token.usedAt) return false;
    refuseTakenDigests(this.store, successor.accessToken, successor.refreshToken);
    Object.assign(token, { usedAt, sealedSuccessor });
    this.store.refreshTokens.set(successor.refreshToken.digest, copy(successor.refreshToken));
    this.store.accessTokens.set(successor.accessToken.digest, copy(successor.accessToken));
    return true;
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    return deleteWhere(this.store.refreshTokens, (token) => token.expiresAt < before, limit);
  }
}

@Injectable()
export class InMemoryAttemptCounterRepository extends AttemptCounterRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async reserve(kind: AttemptCounterKind, key: string, now: Date, policy: AttemptPolicy): Promise<AttemptReservation> {
    const counters = this.store.attemptCounters[kind];
    const lockEnd = new Date(now.getTime() + policy.lockSeconds * 1000);
    const row = counters.get(key);
    if (!row || row.expiresAt <= now) {
      const lockedUntil = policy.maxFailures <= 1 ? lockEnd : null;
      const windowEnd = new Date(now.getTime() + policy.windowSeconds * 1000);
      const expiresAt = lockedUntil && lockedUntil > windowEnd ? lockedUntil : windowEnd;
      counters.set(key, { failures: 1, pending: 1, windowStartedAt: now, lockedUntil, expiresAt });
      return { granted: true, slot: copy({ windowStartedAt: now, settledFailures: 0, lockedUntil }) };
    }
    if (row.failures >= policy.maxFailures) return { granted: false, lockedUntil: copy(row.lockedUntil ?? row.expiresAt) };
    const settledFailures = row.failures - row.pending;
    row.failures++;
    row.pending++;
    row.lockedUntil = row.failures >= policy.maxFailures ? lockEnd : null;
    if (row.lockedUntil && row.lockedUntil > row.expiresAt) row.expiresAt = row.lockedUntil;
    return { granted: true, slot: copy({ windowStartedAt: row.windowStartedAt, settledFailures, lockedUntil: row.lockedUntil }) };
  }

  async lockedUntil(kind: AttemptCounterKind, key: string, now: Date, policy: AttemptPolicy): Promise<Date | null> {
    const row = this.store.attemptCounters[kind].get(key);
    if (!row || row.expiresAt <= now || row.failures < policy.maxFailures) return null;
    return copy(row.lockedUntil ?? row.expiresAt);
  }

  async settle(kind: AttemptCounterKind, key: string, slot: AttemptSlot, outcome: 'success' | 'failure', policy: AttemptPolicy): Promise<void> {
    const row = this.store.attemptCounters[kind].get(key);
    if (!row || row.windowStartedAt.getTime() !== slot.windowStartedAt.getTime() || row.pending <= 0) return;
    if (outcome === 'success') {
      row.failures = Math.max(row.failures - (slot.settledFailures + 1), row.pending - 1);
      if (row.failures < policy.maxFailures) row.lockedUntil = null;
    }
    row.pending--;
  }

  async deleteExpired(kind: AttemptCounterKind, now: Date, limit: number): Promise<number> {
    return deleteWhere(this.store.attemptCounters[kind], (row) => row.expiresAt < now, limit);
  }
}

@Injectable()
export class InMemoryAuthorizationCodeRepository extends AuthorizationCodeRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async save(code: AuthorizationCodeRecord): Promise<void> {
    if (this.store.authorizationCodes.has(code.digest)) throw new Error('authorization code digest exists');
    this.store.authorizationCodes.set(code.digest, copy(code));
  }

  async findByDigest(digest: string): Promise<AuthorizationCodeRecord | null> {
    const code = this.store.authorizationCodes.get(digest);
    return code ? copy(code) : null;
  }

  async consume(digest: string, grantId: string, at: Date): Promise<boolean> {
    const code = this.store.authorizationCodes.get(digest);
    if (!code || code.usedAt) return false;
    code.usedAt = new Date(at);
    code.grantId = grantId;
    return true;
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    return deleteWhere(this.store.authorizationCodes, (code) => code.expiresAt < before, limit);
  }
}

@Injectable()
export class InMemoryBrowserSessionRepository extends BrowserSessionRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async save(session: BrowserSessionRecord): Promise<void> {
    if (this.store.browserSessions.has(session.digest)) throw new Error('session digest exists');
    this.store.browserSessions.set(session.digest, copy(session));
  }

  async findByDigest(digest: string): Promise<BrowserSessionRecord | null> {
    const session = this.store.browserSessions.get(digest);
    return session ? copy(session) : null;
  }

  async touch(digest: string, at: Date): Promise<void> {
    const session = this.store.browserSessions.get(digest);
    if (session) session.lastSeenAt = new Date(at);
  }

  async delete(digest: string): Promise<void> {
    this.store.browserSessions.delete(digest);
  }

  async deleteForUser(userId: string): Promise<number> {
    return deleteWhere(this.store.browserSessions, (session) => session.userId === userId);
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    return deleteWhere(this.store.browserSessions, (session) => session.expiresAt < before, limit);
  }
}

@Injectable()
export class InMemoryConsentRepository extends ConsentRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async find(userId: string, clientId: string): Promise<ConsentRecord | null> {
    const consent = this.store.consents.get(JSON.stringify([userId, clientId]));
    return consent ? copy(consent) : null;
  }

  async save(consent: ConsentRecord): Promise<void> {
    this.store.consents.set(JSON.stringify([consent.userId, consent.clientId]), copy(consent));
  }

  async delete(userId: string, clientId: string): Promise<void> {
    this.store.consents.delete(JSON.stringify([userId, clientId]));
  }

  async deleteForClient(clientId: string): Promise<number> {
    return deleteWhere(this.store.consents, (consent) => consent.clientId === clientId);
  }
}
