import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { JwtAccessTokenService } from '../jwt/jwt-access-token.service';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';

/** How long an ID token is valid: it proves a sign-in that just happened, to a client that checks it at once. */
const ID_TOKEN_TTL_SECONDS = 300;

/** OpenID Connect ID tokens (OIDC Core §2, §3.1.3.6), signed with the module's JWT keys. */
@Injectable()
export class IdTokenIssuer {
  constructor(
    private readonly jwt: JwtAccessTokenService,
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
  ) {}

  /** Whether ID tokens can be issued: the module has a signing key (`jwt.privateKey`). */
  get available(): boolean {
    return this.jwt.signs;
  }

  issue(input: { issuer: string; clientId: string; userId: string; authTime: Date; nonce: string | null; accessToken: string }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return this.jwt.signIdToken({
      iss: this.options.issuer ?? input.issuer,
      sub: input.userId,
      aud: input.clientId,
      azp: input.clientId,
      exp: now + ID_TOKEN_TTL_SECONDS,
      iat: now,
      auth_time: Math.floor(input.authTime.getTime() / 1000),
      ...(input.nonce !== null ? { nonce: input.nonce } : {}),
      at_hash: this.accessTokenHash(input.accessToken),
    });
  }

  /**
   * OIDC Core §3.1.3.6: the left half of the hash of the access token, base64url; the hash is the one of the JWS
   * algorithm (SHA-256 for ES256; SHA-512 for EdDSA with Ed25519).
   */
  private accessTokenHash(accessToken: string): string {
    const digest = createHash(this.jwt.algorithm === 'EdDSA' ? 'sha512' : 'sha256')
      .update(accessToken, 'ascii')
      .digest();
    return digest.subarray(0, digest.length / 2).toString('base64url');
  }
}
