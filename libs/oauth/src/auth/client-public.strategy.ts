import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport';
import { CLIENT_PUBLIC_STRATEGY } from '../oauth.constants';
import { ClientRepository, isPublicClient, type OAuthClient } from '../repositories/client.repository';

/** What the strategy reads of a request, on Express and Fastify alike. */
interface PublicClientRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

type VerifyPublic = (clientId: string, done: (error: unknown, client?: OAuthClient | false) => void) => void;

/**
 * A request that names its client with `client_id` alone: no `Authorization` header, no `client_secret`. Anything
 * else fails here without an error, so the guard's other strategies decide.
 */
class ClientIdOnlyStrategy extends Strategy {
  constructor(private readonly verify: VerifyPublic) {
    super();
  }

  override authenticate(request: PublicClientRequest): void {
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
    const clientId = body.client_id;
    if (request.headers?.authorization !== undefined || body.client_secret !== undefined || typeof clientId !== 'string') return this.fail();
    this.verify(clientId, (error, client) => {
      if (error) this.error(error);
      else if (client) this.success(client);
      else this.fail();
    });
  }
}

/**
 * `none` (RFC 7591 §2): a public client (RFC 6749 §2.1) identifies itself by `client_id` and has nothing to
 * authenticate with; what protects its codes is PKCE, and its refresh tokens, rotation. Only a client registered
 * as public is accepted this way, so a confidential client's id alone gets nobody anything.
 */
@Injectable()
export class ClientPublicStrategy extends PassportStrategy(ClientIdOnlyStrategy, CLIENT_PUBLIC_STRATEGY) {
  constructor(private readonly clients: ClientRepository) {
    super();
  }

  async validate(clientId: string): Promise<OAuthClient | false> {
    // An id no client can have never reaches storage (PostgreSQL refuses NUL in text; ids are at most 128 long).
    if (clientId.length === 0 || clientId.length > 128 || clientId.includes('\u0000')) return false;
    const client = await this.clients.findById(clientId);
    return client && isPublicClient(client) ? client : false;
  }
}
