/**
 * Thrown at boot when the module cannot work as configured. It is a plain `Error`, not an `OAuthError`:
 * it is meant for the developer reading the start-up log, never for a client.
 */
export class MisconfigurationError extends Error {
  override readonly name = 'MisconfigurationError';
}
