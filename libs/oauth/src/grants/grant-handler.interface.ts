import type { OAuthClient } from '../repositories/client.repository';
import type { TokenRequestDto } from '../token/token-request.dto';
import type { TokenRequestParameters } from '../token/token-request-parameters';
import type { TokenResponse } from '../token/token-response';

/**
 * One grant type of the token endpoint (RFC 6749 §4 / §6, or an extension grant, §4.5). Adding a grant is one
 * class, with the same `grantType` as an instance and a static property (see `GrantHandlerType`), and one
 * registry entry (`BUILT_IN_GRANT_HANDLERS`, or the host's `grantHandlers`).
 */
export interface GrantHandler {
  /** The `grant_type` value this handler answers. */
  readonly grantType: string;
  /**
   * Exchanges an authenticated client's request for tokens, or throws an `OAuthError`. The token service has
   * already checked that the client may use this grant type. `parameters` holds every parameter of the request,
   * for those `request` does not declare.
   */
  handle(request: TokenRequestDto, client: OAuthClient, parameters: TokenRequestParameters): Promise<TokenResponse>;
}
