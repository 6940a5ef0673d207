import { Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccessTokenCache } from '../auth/access-token-cache';
import { digestToken } from '../crypto/opaque-token';
import { isCodeVerifierSyntax, verifiesS256Challenge } from '../crypto/pkce';
import { OAuthError } from '../errors/oauth.error';
import { OAuthEvents } from '../events/oauth-events';
import { AuthorizationCodeRepository, type AuthorizationCodeRecord } from '../repositories/authorization-code.repository';
import type { OAuthClient } from '../repositories/client.repository';
import { GrantRepository } from '../repositories/grant.repository';
import { IdTokenIssuer } from '../oidc/id-token.issuer';
import { UserLookup } from '../repositories/user-lookup';
import { TokenIssuer } from '../token/token-issuer';
import type { TokenRequestDto } from '../token/token-request.dto';
import type { TokenRequestParameters } from '../token/token-request-parameters';
import type { TokenResponse } from '../token/token-response';
import type { GrantHandler } from './grant-handler.interface';

/**
 * The authorization code grant's token request, RFC 6749 §4.1.3, with PKCE (RFC 7636 §4.5, required of every
 * client: RFC 9700 §2.1.1). A code works once: a second use is refused and revokes the grant the first opened.
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  static readonly grantType = 'authorization_code';
  readonly grantType = AuthorizationCodeGrant.grantType;

  constructor(
    private readonly issuer: TokenIssuer,
    private readonly codes: AuthorizationCodeRepository,
    private readonly grants: GrantRepository,
    private readonly events: OAuthEvents,
    private readonly cache: AccessTokenCache,
    private readonly idTokens: IdTokenIssuer,
    // Optional so that a server without this grant needs no user lookup; the grant registry refuses to boot with
    // this grant enabled and no lookup.
    @Optional() readonly userLookup?: UserLookup,
  ) {}

  async handle(request: TokenRequestDto, client: OAuthClient, parameters?: TokenRequestParameters): Promise<TokenResponse> {
    if (request.code === undefined) throw OAuthError.invalidRequest('The code parameter is missing');
    if (request.redirect_uri === undefined) throw OAuthError.invalidRequest('The redirect_uri parameter is missing');
    if (request.code_verifier === undefined) throw OAuthError.invalidRequest('The code_verifier parameter is missing (PKCE, RFC 7636)');
    if (!isCodeVerifierSyntax(request.code_verifier)) {
      throw OAuthError.invalidRequest('The code_verifier must be 43 to 128 unreserved characters (RFC 7636 section 4.1)');
    }
    const now = new Date();
    // A code longer than any we issue is not looked up: it cannot exist.
    const code = request.code.length > 64 ? null : await this.codes.findByDigest(digestToken(request.code));
    // RFC 6749 §10.5: a code is bound to its client. A foreign client learns nothing about it, nor spends it.
    if (!code || code.clientId !== client.id) throw invalidCode();
    if (code.usedAt) {
      await this.revokeAfterReuse(code, now);
      throw invalidCode();
    }
    if (code.expiresAt <= now) throw invalidCode();
    // §4.1.3: the same redirect_uri as the authorization request; RFC 7636 §4.6: the verifier of its challenge.
    if (code.redirectUri !== request.redirect_uri) throw OAuthError.invalidGrant('The redirect_uri is not the one the code was issued for');
    if (!verifiesS256Challenge(request.code_verifier, code.codeChallenge))
      throw OAuthError.invalidGrant('The code_verifier does not match the code_challenge');
    if (!(await this.userLookup?.findById(code.userId))) throw invalidCode();
    // The client's scopes may have shrunk since the user consented.
    const scope = code.scope.filter((entry) => client.scopes.includes(entry));
    if (scope.length === 0) throw OAuthError.invalidScope('None of the scope of this code is available to this client any more');

    // The grant is created first and the code claimed after, naming it: a concurrent exchange that loses the claim
    // then finds the winner's grant already stored, and revokes it (a second use, §4.1.2). Claiming first would let
    // the loser revoke a grant not yet created, which would then live on.
    const grantId = randomUUID();
    const response = await this.issuer.issueForNewGrant({
      grantId,
      grantType: this.grantType,
      client,
      userId: code.userId,
      scope,
      refreshable: true,
      userRevocationMark: code.userRevocationMark,
    });
    if (!(await this.codes.consume(code.digest, grantId, now))) {
      await this.grants.revoke(grantId, 'authorization_code_reuse', now);
      const winner = await this.codes.findByDigest(code.digest);
      if (winner) await this.revokeAfterReuse(winner, now);
      throw invalidCode();
    }
    // OIDC Core §3.1.3.3: an ID token when the user signed in for OpenID Connect.
    if (scope.includes('openid') && this.idTokens.available) {
      response.id_token = await this.idTokens.issue({
        issuer: parameters?.issuer ?? '',
        clientId: client.id,
        userId: code.userId,
        authTime: code.authTime,
        nonce: code.nonce,
        accessToken: response.access_token,
      });
    }
    return response;
  }

  /** RFC 6749 §4.1.2: the code leaked or is replayed; the tokens issued from it can no longer be trusted. */
  private async revokeAfterReuse(code: AuthorizationCodeRecord, now: Date): Promise<void> {
    if (!code.grantId) return;
    await this.grants.revoke(code.grantId, 'authorization_code_reuse', now);
    this.cache.clear();
    this.events.emit({ type: 'authorization_code.reuse_detected', clientId: code.clientId, userId: code.userId, grantId: code.grantId });
  }
}

function invalidCode(): OAuthError {
  return OAuthError.invalidGrant('The authorization code is invalid, expired or already used');
}
