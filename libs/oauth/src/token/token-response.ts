/** A successful token response, RFC 6749 §5.1. */
export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  /** Absent when the client may not refresh (RFC 6749 §5.1: OPTIONAL). */
  refresh_token?: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  /** Space-separated scope actually granted. */
  scope: string;
  /** OpenID Connect Core §3.1.3.3: when the grant's scope has `openid` and the module has signing keys. */
  id_token?: string;
}
