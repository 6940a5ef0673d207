import { Injectable, Optional } from '@nestjs/common';
import { OAuthError } from '../errors/oauth.error';
import type { OAuthClient } from '../repositories/client.repository';
import { GrantRepository } from '../repositories/grant.repository';
import { UserLookup } from '../repositories/user-lookup';
import { resolveScope } from '../scope/scope';
import { LoginThrottle } from '../throttle/login-throttle';
import { TokenIssuer } from '../token/token-issuer';
import type { TokenRequestDto } from '../token/token-request.dto';
import type { TokenResponse } from '../token/token-response';
import type { GrantHandler } from './grant-handler.interface';

/** Resource Owner Password Credentials grant, RFC 6749 §4.3. */
@Injectable()
export class PasswordGrant implements GrantHandler {
  static readonly grantType = 'password';
  readonly grantType = PasswordGrant.grantType;

  constructor(
    private readonly issuer: TokenIssuer,
    private readonly throttle: LoginThrottle,
    private readonly grants: GrantRepository,
    // Optional so that a server without the password grant needs no user lookup; the grant registry refuses
    // to boot with this grant enabled and no lookup.
    @Optional() readonly userLookup?: UserLookup,
  ) {}

  async handle(request: TokenRequestDto, client: OAuthClient): Promise<TokenResponse> {
    if (request.username === undefined) throw OAuthError.invalidRequest('The username parameter is missing');
    if (request.password === undefined) throw OAuthError.invalidRequest('The password parameter is missing');
    const scope = resolveScope(request.scope, client.scopes, client.defaultScopes);
    const { username, password } = request;
    // Read before the host reads the user's password hash: a password change or a disable that revokes the user
    // (revokeAllForUser) after this point, while the check below waits its turn to hash, makes the grant's
    // creation refuse it, so no login with the old credentials outlives the revocation.
    const userRevocationMark = await this.grants.userRevocationMark();
    const subject = await this.throttle.attempt(client.id, username, password, () => this.userLookup!.verifyCredentials(username, password));
    // One answer for an unknown user and a wrong password, so the endpoint does not reveal which accounts exist.
    if (!subject) throw OAuthError.invalidGrant('Invalid username or password');
    return this.issuer.issueForNewGrant({ grantType: this.grantType, client, userId: subject.id, scope, refreshable: true, userRevocationMark });
  }
}
