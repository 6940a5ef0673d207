/** What every form page posts back: the form's target, and the fields it must send back unchanged. */
export interface OAuthFormView {
  /** The path the form posts to. */
  action: string;
  /** Hidden fields the form must post back as they are: the authorization request and the CSRF token. */
  hiddenFields: Record<string, string>;
  /** The client asking for access, to name to the user. */
  client: { id: string; name: string | null };
}

/** The login page: a form posting `username` and `password`, with the hidden fields. */
export interface OAuthLoginView extends OAuthFormView {
  /** The username typed before, to fill in again after a failure. */
  username: string;
  /** Why the last attempt failed, for the user; `null` on the first visit. */
  error: string | null;
}

/** The consent page: a form posting `decision=allow` or `decision=deny`, with the hidden fields. */
export interface OAuthConsentView extends OAuthFormView {
  /** Who is signed in. */
  username: string;
  /** The scopes the client asks for. */
  scopes: string[];
}

/** A request that cannot go back to the client: an unknown client or redirect URI (RFC 6749 §4.1.2.1). */
export interface OAuthErrorView {
  error: string;
  description: string;
}

/**
 * The HTML of the authorization endpoint's pages. The module's own (`DefaultOAuthPages`) are plain server-rendered
 * forms; a host supplies its own with the `pages` extra of `OAuthModule.forRoot`, to match its look. Every value in a
 * view comes from a stranger's request or the host's data: escape it (see `escapeHtml`). The module sets the
 * headers (no caching, no framing, a CSP without scripts), so a page needs no JavaScript and may use inline styles.
 */
export abstract class OAuthPages {
  abstract login(view: OAuthLoginView): string;
  abstract consent(view: OAuthConsentView): string;
  abstract error(view: OAuthErrorView): string;
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
