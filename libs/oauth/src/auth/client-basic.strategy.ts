import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { parse as parseBasicCredentials } from 'basic-auth';
import { Strategy } from 'passport';
import { OAuthError } from '../errors/oauth.error';
import { CLIENT_BASIC_STRATEGY } from '../oauth.constants';
import type { OAuthClient } from '../repositories/client.repository';
import { ClientAuthenticator } from './client-authenticator';

/** What the strategy reads of a request, on Express and Fastify alike. */
interface BasicRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

type VerifyBasic = (request: BasicRequest, userId: string, password: string, done: (error: unknown, client?: OAuthClient | false) => void) => void;

/**
 * HTTP Basic (RFC 7617 §2) as `basic-auth` parses it: the scheme is the token `Basic` (any case) and nothing longer,
 * the user-id ends at the first colon, and the password is everything after it, colons included. A request without
 * such a header fails here without an error, so the guard goes on to the next strategy (the form body).
 */
class HttpBasicStrategy extends Strategy {
  constructor(private readonly verify: VerifyBasic) {
    super();
  }

  override authenticate(request: BasicRequest): void {
    const header = request.headers?.authorization;
    const credentials = typeof header === 'string' ? parseBasicCredentials(header) : undefined;
    if (!credentials) return this.fail();
    this.verify(request, credentials.name, credentials.pass, (error, client) => {
      if (error) this.error(error);
      else if (client) this.success(client);
      else this.fail();
    });
  }
}

/** `client_secret_basic`: client id and secret in an HTTP Basic `Authorization` header (RFC 6749 §2.3.1). */
@Injectable()
export class ClientBasicStrategy extends PassportStrategy(HttpBasicStrategy, CLIENT_BASIC_STRATEGY) {
  constructor(private readonly authenticator: ClientAuthenticator) {
    super();
  }

  async validate(request: BasicRequest, encodedId: string, encodedSecret: string): Promise<OAuthClient> {
    const clientId = decodeFormComponent(encodedId);
    const secret = decodeFormComponent(encodedSecret);
    if (clientId === null || secret === null) throw OAuthError.invalidClient('The client credentials are malformed');
    // RFC 6749 §3.2.1 lets a client name itself in the body as well; a body naming another client leaves it unclear
    // which client is asking, so the request is refused before any secret is checked.
    const bodyClientId = isRecord(request.body) ? request.body.client_id : undefined;
    if (bodyClientId !== undefined && bodyClientId !== clientId) {
      throw OAuthError.invalidRequest('client_id in the body does not name the client of the Authorization header');
    }
    const client = await this.authenticator.authenticate(clientId, secret);
    if (!client) throw OAuthError.invalidClient();
    return client;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded before they are joined and base64-encoded,
 * so "+" stands for a space and "%XX" for a byte. `null` for a broken percent-encoding.
 */
export function decodeFormComponent(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
