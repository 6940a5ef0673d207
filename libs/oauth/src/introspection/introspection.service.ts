import { Injectable, Optional } from '@nestjs/common';
import { UserLookup } from '../repositories/user-lookup';
import { formatScope } from '../scope/scope';
import { isActive, TokenFinder } from '../token/token-finder';

/** RFC 7662 §2.2. An inactive token is described by `active: false` and nothing else. */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      username?: string;
      sub?: string;
      token_type: 'Bearer' | 'refresh_token';
      exp: number;
      iat: number;
    };

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Token introspection, RFC 7662. */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly finder: TokenFinder,
    @Optional() private readonly userLookup?: UserLookup,
  ) {}

  async introspect(token: string, hint?: string, now = new Date()): Promise<IntrospectionResponse> {
    const found = await this.finder.find(token, hint);
    if (!found || !isActive(found, now)) return { active: false };
    const { grant } = found;
    let subject: { sub: string; username: string } | undefined;
    if (grant.userId !== null) {
      // A token whose user is gone or disabled no longer stands for anyone (§2.2: "active" means usable).
      const user = await this.userLookup?.findById(grant.userId);
      if (!user) return { active: false };
      subject = { sub: user.id, username: user.username };
    }
    return {
      active: true,
      scope: formatScope(found.token.scope),
      client_id: grant.clientId,
      ...(subject ? { username: subject.username, sub: subject.sub } : {}),
      token_type: found.type === 'access_token' ? 'Bearer' : 'refresh_token',
      exp: seconds(found.token.expiresAt),
      iat: seconds(found.token.createdAt),
    };
  }
}
