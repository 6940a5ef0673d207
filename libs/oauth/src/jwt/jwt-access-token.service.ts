import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { calculateJwkThumbprint, errors, importJWK, jwtVerify, SignJWT, type JWK, type KeyLike } from 'jose';
import type { OAuthPrincipal } from '../auth/oauth-principal.interface';
import { MisconfigurationError } from '../errors/misconfiguration.error';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';

/** RFC 9068 §2.1: the media type of a JWT access token. */
const ACCESS_TOKEN_TYP = 'at+jwt';

/** Verified tokens remembered at most (a token and its principal: about a kilobyte each). */
const MAX_VERIFIED = 10_000;

interface VerificationKey {
  kid: string;
  key: KeyLike | Uint8Array;
  publicJwk: JWK;
  /** When the key stopped signing; `null` for the current key. */
  retiredAt: Date | null;
}

/** What an access token says, as RFC 9068 §2.2 names it, plus the module's own grant and user claims. */
export interface AccessTokenClaims {
  clientId: string;
  userId: string | null;
  grantId: string;
  scope: string[];
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * JWT access tokens (RFC 9068), for resource servers that should not call the database: signed with an
 * asymmetric key through `jose`, verified locally. Only active when `accessTokenFormat` is `'jwt'`.
 */
@Injectable()
export class JwtAccessTokenService implements OnModuleInit {
  private signingKey: { kid: string; key: KeyLike | Uint8Array; alg: string } | undefined;
  private readonly verificationKeys = new Map<string, VerificationKey>();
  /**
   * Tokens whose signature and claims checked out, with their principal. A signature verifies the same every
   * time, and a JWT is never revoked, so only the expiry is left to check on the next call with the same token:
   * a resource server's client sends one token many times, and the signature check is most of the guard's cost.
   */
  private readonly verified = new LRUCache<string, OAuthPrincipal>({ max: MAX_VERIFIED });

  constructor(@InjectOAuthOptions() private readonly options: ResolvedOAuthOptions) {}

  get enabled(): boolean {
    return this.options.accessTokenFormat === 'jwt';
  }

  /** Whether the module has a signing key: for JWT access tokens, and for OpenID Connect ID tokens in either format. */
  get signs(): boolean {
    return this.signingKey !== undefined;
  }

  async onModuleInit(): Promise<void> {
    const jwt = this.options.jwt;
    if (this.enabled && (!jwt?.privateKey || !this.options.issuer)) {
      throw new MisconfigurationError("OAuthModule: accessTokenFormat 'jwt' needs `jwt.privateKey` and an `issuer`");
    }
    if (!jwt?.privateKey) return;
    const alg = signingAlgorithmOf(jwt.privateKey);
    if (alg !== 'ES256' && alg !== 'EdDSA') throw new MisconfigurationError('OAuthModule: JWT access tokens are signed with ES256 or EdDSA');
    const current = await this.addKey(jwt.privateKey, alg, null);
    this.signingKey = { kid: current.kid, key: await importJWK({ ...jwt.privateKey, alg }, alg), alg };
    for (const previous of jwt.previousKeys ?? []) await this.addKey(previous.publicKey, previous.publicKey.alg ?? alg, previous.retiredAt);
  }

  async sign(claims: AccessTokenClaims): Promise<string> {
    const signing = this.signingKey!;
    return (
      new SignJWT({
        client_id: claims.clientId,
        scope: claims.scope.join(' '),
        gid: claims.grantId,
        ...(claims.userId !== null ? { uid: claims.userId } : {}),
      })
        .setProtectedHeader({ alg: signing.alg, typ: ACCESS_TOKEN_TYP, kid: signing.kid })
        .setIssuer(this.options.issuer!)
        // RFC 9068 §2.2: for a token without a resource owner, `sub` names the client.
        .setSubject(claims.userId ?? claims.clientId)
        .setAudience(this.audience)
        .setIssuedAt(Math.floor(claims.issuedAt.getTime() / 1000))
        .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
        .setJti(randomUUID())
        .sign(signing.key)
    );
  }

  /**
   * An OpenID Connect ID token (OIDC Core §2): `payload` as given, signed with the current key, `typ` JWT. Only
   * when `signs`.
   */
  signIdToken(payload: Record<string, unknown>): Promise<string> {
    const signing = this.signingKey!;
    return new SignJWT(payload).setProtectedHeader({ alg: signing.alg, typ: 'JWT', kid: signing.kid }).sign(signing.key);
  }

  /** The algorithm tokens are signed with, for `id_token_signing_alg_values_supported` and `at_hash`. */
  get algorithm(): string | undefined {
    return this.signingKey?.alg;
  }

  /**
   * The principal of a valid token, or `null`. Refuses (RFC 9068 §4, RFC 8725 §3.1) any algorithm but the ones
   * configured (so `alg: none` too), a `typ` other than `at+jwt`, another issuer or audience, an unknown key,
   * and an expired token.
   */
  async verify(token: string, now = new Date()): Promise<OAuthPrincipal | null> {
    const known = this.verified.get(token);
    if (known) return known.expiresAt > now ? known : null;
    try {
      const { payload } = await jwtVerify(token, async (header) => this.keyFor(header.kid), {
        issuer: this.options.issuer!,
        audience: this.audience,
        typ: ACCESS_TOKEN_TYP,
        algorithms: ['ES256', 'EdDSA'],
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'gid'],
      });
      if (typeof payload.client_id !== 'string' || typeof payload.gid !== 'string') return null;
      const principal: OAuthPrincipal = Object.freeze({
        userId: typeof payload.uid === 'string' ? payload.uid : null,
        clientId: payload.client_id,
        scopes: Object.freeze(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []) as string[],
        grantId: payload.gid,
        expiresAt: new Date(payload.exp! * 1000),
      });
      this.verified.set(token, principal);
      return principal;
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }

  /**
   * The JWK Set published at the `jwks_uri` (RFC 8414 §2): the current public key, and each previous one until
   * the last token it signed has expired.
   */
  publicJwks(now = new Date()): { keys: JWK[] } {
    const ttlMs = this.options.accessTokenTtl * 1000;
    const keys = [...this.verificationKeys.values()]
      .filter((key) => key.retiredAt === null || key.retiredAt.getTime() + ttlMs > now.getTime())
      .map((key) => key.publicJwk);
    return { keys };
  }

  private get audience(): string {
    return this.options.jwt?.audience ?? this.options.issuer!;
  }

  private keyFor(kid: string | undefined): KeyLike | Uint8Array {
    const key = kid === undefined ? undefined : this.verificationKeys.get(kid);
    // A retired key still verifies the tokens it signed before retiring, which expire within one TTL; after
    // that it is withdrawn from the JWK Set and refused here too.
    if (!key || (key.retiredAt && key.retiredAt.getTime() + this.options.accessTokenTtl * 1000 <= Date.now())) {
      throw new errors.JWKSNoMatchingKey();
    }
    return key.key;
  }

  private async addKey(jwk: JWK, alg: string, retiredAt: Date | null): Promise<VerificationKey> {
    const { d: _private, ...publicPart } = jwk;
    const kid = jwk.kid ?? (await calculateJwkThumbprint(publicPart));
    const publicJwk: JWK = { ...publicPart, kid, alg, use: 'sig' };
    const entry = { kid, key: await importJWK(publicJwk, alg), publicJwk, retiredAt };
    this.verificationKeys.set(kid, entry);
    return entry;
  }
}

/** The JWS algorithm of a signing key: its `alg`, or the one its curve implies. */
export function signingAlgorithmOf(key: JWK): string {
  return key.alg ?? (key.crv === 'Ed25519' ? 'EdDSA' : 'ES256');
}
