import { Controller, Get, UseGuards } from '@nestjs/common';
import { BearerGuard, OAuthError, Principal, RequireUser, Scopes, type OAuthPrincipal } from '@app/oauth';
import { toUserView, type UserView } from '../users/user.entity';
import { UsersService } from '../users/users.service';

/** The signed-in user, as the seed API's `GET /me/` returned it. */
@Controller('me')
@UseGuards(BearerGuard)
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Scopes('read')
  // A client_credentials token has no user to show: 403 insufficient_scope.
  @RequireUser()
  async me(@Principal() principal: OAuthPrincipal): Promise<UserView> {
    const user = principal.userId === null ? null : await this.users.findById(Number(principal.userId));
    // The grant outlived its user (deleted or disabled since): the token no longer stands for anyone.
    if (!user || user.disabled) throw OAuthError.invalidToken();
    return toUserView(user);
  }
}
