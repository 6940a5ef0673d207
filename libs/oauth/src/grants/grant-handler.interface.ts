import type { OAuthClient } from '../repositories/client.repository';
import type { TokenRequestDto } from '../token/token-request.dto';
import type { TokenResponse } from '../token/token-response';

/** One grant type of the token endpoint (RFC 6749 §4 / §6). Adding a grant is one class and one list entry. */
export interface GrantHandler {
  /** The `grant_type` value this handler answers. */
  readonly grantType: string;
  /** Exchanges an authenticated client's request for tokens, or throws an `OAuthError`. */
  handle(request: TokenRequestDto, client: OAuthClient): Promise<TokenResponse>;
}
