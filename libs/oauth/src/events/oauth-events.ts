import { Injectable, Logger } from '@nestjs/common';

/**
 * What the module reports as it works. Events carry identifiers only, never a password, secret or token, so
 * that a sink may log them as they are.
 */
export type OAuthEvent =
  | { type: 'token.issued'; grantType: string; clientId: string; userId: string | null; grantId: string }
  | { type: 'token.revoked'; clientId: string; grantId: string; tokenType: 'access_token' | 'refresh_token' }
  | { type: 'login.failed'; clientId: string; usernameKey: string }
  | { type: 'account.locked'; clientId: string; usernameKey: string; lockedUntil: Date }
  /** `clientKey` is the SHA-256 (hex) of the client id, which may be one nobody registered. */
  | { type: 'client.locked'; clientKey: string; lockedUntil: Date }
  | { type: 'refresh_token.reuse_detected'; clientId: string; userId: string | null; grantId: string }
  | { type: 'authorization_code.reuse_detected'; clientId: string; userId: string; grantId: string }
  | { type: 'user.revoked'; userId: string; reason: string; revokedGrants: number }
  /** A request to the module's endpoints refused by the per-address rate limit (429). */
  | { type: 'request.rate_limited'; retryAfterSeconds: number }
  /** A hash refused by `HashLimiter` (503): its queue was full, or the wait passed its deadline. */
  | { type: 'hash.rejected'; reason: 'queue_full' | 'deadline' };

/**
 * Where events go. The default logs them; a host replaces it with the `events` extra of `OAuthModule.forRoot`
 * to feed its own audit trail or alerting.
 */
export abstract class OAuthEvents {
  abstract emit(event: OAuthEvent): void;
}

/**
 * The events that come with every refusal under a flood: a sink that logs should keep them out of its default
 * level, where they would add a line to every refused request.
 */
export const OAUTH_FLOOD_EVENTS: ReadonlySet<OAuthEvent['type']> = new Set(['request.rate_limited', 'hash.rejected']);

/** Logs security events as warnings and the rest at debug level, one JSON object per event. */
@Injectable()
export class LoggingOAuthEvents extends OAuthEvents {
  private readonly logger = new Logger('OAuthEvents');

  emit(event: OAuthEvent): void {
    const line = JSON.stringify(event);
    if (event.type.endsWith('.reuse_detected') || event.type === 'account.locked' || event.type === 'client.locked') this.logger.warn(line);
    else this.logger.debug(line);
  }
}
