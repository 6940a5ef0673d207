import { Injectable, Logger } from '@nestjs/common';
import { OAUTH_FLOOD_EVENTS, OAuthEvents, type OAuthEvent } from '@nest-oauth/server';

/**
 * The OAuth module's events as structured log entries: the event's fields become fields of the JSON line (with
 * pino, next to the `reqId` of the request that caused it), not a string inside the message. Security events
 * (refresh token reuse, a locked account or client) are warnings, the rest informational, so a production log level keeps
 * them all; the refusals that come with every request of a flood (rate limit, hash queue) are debug, since the
 * request log has a line for each already. Events carry identifiers only, never a secret.
 */
@Injectable()
export class StructuredOAuthEvents extends OAuthEvents {
  private readonly logger = new Logger('OAuthEvents');

  emit(event: OAuthEvent): void {
    const entry = { ...event, msg: `oauth ${event.type}` };
    if (event.type.endsWith('.reuse_detected') || event.type === 'account.locked' || event.type === 'client.locked') this.logger.warn(entry);
    else if (OAUTH_FLOOD_EVENTS.has(event.type)) this.logger.debug(entry);
    else this.logger.log(entry);
  }
}
