/** Who is calling a Bearer-protected route: what a valid access token stands for. */
export interface OAuthPrincipal {
  /** The resource owner's id as the host's `UserLookup` gave it; `null` when the client acts for itself. */
  userId: string | null;
  clientId: string;
  /** The scopes this access token carries. */
  scopes: string[];
  /** The grant (token family) this token belongs to. */
  grantId: string;
  expiresAt: Date;
}
