import { Injectable } from '@nestjs/common';
import { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from '../repositories/access-token.repository';
import { ClientRepository, type OAuthClient } from '../repositories/client.repository';
import { GrantRepository, type GrantTokens, type OAuthGrant } from '../repositories/grant.repository';
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

@Injectable()
export class InMemoryClientRepository extends ClientRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async findById(id: string): Promise<OAuthClient | null> {
    const client = this.store.clients.get(id);
    return client ? copy(client) : null;
  }
}

@Injectable()
export class InMemoryGrantRepository extends GrantRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async create(grant: OAuthGrant, tokens: GrantTokens): Promise<void> {
    this.store.grants.set(grant.id, copy(grant));
    this.store.accessTokens.set(tokens.accessToken.digest, copy(tokens.accessToken));
    if (tokens.refreshToken) this.store.refreshTokens.set(tokens.refreshToken.digest, copy(tokens.refreshToken));
  }

  async revoke(grantId: string, reason: string, at: Date): Promise<void> {
    const grant = this.store.grants.get(grantId);
    if (grant && !grant.revokedAt) Object.assign(grant, { revokedAt: at, revokedReason: reason });
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
}

@Injectable()
export class InMemoryRefreshTokenRepository extends RefreshTokenRepository {
  constructor(private readonly store: InMemoryOAuthStore) {
    super();
  }

  async findByDigest(digest: string): Promise<TokenWithGrant<RefreshTokenRecord> | null> {
    return withGrant(this.store, this.store.refreshTokens.get(digest));
  }

  async rotate(digest: string, usedAt: Date, successor: RotationSuccessor): Promise<boolean> {
    const token = this.store.refreshTokens.get(digest);
    if (!token || token.usedAt) return false;
    token.usedAt = usedAt;
    this.store.refreshTokens.set(successor.refreshToken.digest, copy(successor.refreshToken));
    this.store.accessTokens.set(successor.accessToken.digest, copy(successor.accessToken));
    return true;
  }
}
