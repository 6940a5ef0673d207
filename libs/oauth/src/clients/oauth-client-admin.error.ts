/** What went wrong in a client administration call. */
export type OAuthClientAdminErrorCode =
  /** An input broke a rule; `field` names which. */
  | 'invalid_input'
  /** `create`: the id is taken. */
  | 'client_exists'
  /** No client has that id. */
  | 'client_not_found'
  /** The client kept changing under an update, which gave up rather than overwrite those changes. */
  | 'concurrent_update';

/** The inputs of client administration, by the name `OAuthClientAdminService` takes them under. */
export type OAuthClientField =
  'id' | 'secret' | 'name' | 'grants' | 'scopes' | 'defaultScopes' | 'redirectUris' | 'tokenEndpointAuthMethod' | 'firstParty';

/**
 * A refused client administration call (`OAuthClientAdminService`). Not an `OAuthError`: it answers an operator
 * or the host's admin code, never an OAuth client. The message says what to change and never repeats a secret.
 */
export class OAuthClientAdminError extends Error {
  override readonly name = 'OAuthClientAdminError';

  constructor(
    readonly code: OAuthClientAdminErrorCode,
    message: string,
    /** The input at fault, for `invalid_input`. */
    readonly field?: OAuthClientField,
  ) {
    super(message);
  }
}
