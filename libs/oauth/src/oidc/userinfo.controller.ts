import { Controller, Get, Header, HttpCode, Optional, Post, UseGuards } from '@nestjs/common';
import { BearerGuard } from '../auth/bearer.guard';
import type { OAuthPrincipal } from '../auth/oauth-principal.interface';
import { Principal } from '../auth/principal.decorator';
import { RequireUser } from '../auth/require-user.decorator';
import { Scopes } from '../auth/scopes.decorator';
import { UserLookup, type OAuthUserClaims } from '../repositories/user-lookup';
import { scopedClaims } from './scoped-claims';

/**
 * The UserInfo endpoint (OIDC Core §5.3): the signed-in user's claims, for an access token with the `openid` scope,
 * released per scope (§5.4). GET and POST alike, the token in the Authorization header (RFC 6750 §2.1).
 */
@Controller('oauth')
@UseGuards(BearerGuard)
@Scopes('openid')
@RequireUser()
export class UserinfoController {
  constructor(@Optional() private readonly userLookup?: UserLookup) {}

  @Get('userinfo')
  @Header('Cache-Control', 'no-store')
  get(@Principal() principal: OAuthPrincipal): Promise<{ sub: string } & Partial<OAuthUserClaims>> {
    return this.userinfo(principal);
  }

  @Post('userinfo')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  post(@Principal() principal: OAuthPrincipal): Promise<{ sub: string } & Partial<OAuthUserClaims>> {
    return this.userinfo(principal);
  }

  private async userinfo(principal: OAuthPrincipal): Promise<{ sub: string } & Partial<OAuthUserClaims>> {
    const userId = principal.userId!;
    const claims = (await this.userLookup?.claims?.(userId)) ?? null;
    return { ...scopedClaims(principal.scopes, claims), sub: userId };
  }
}
