import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BearerGuard, OAUTH_OPENAPI_SECURITY, OAuthError, Principal, RequireUser, Scopes, type OAuthPrincipal } from '@nest-oauth/server';
import { toUserView, type UserView } from '../users/user.entity';
import { UsersService } from '../users/users.service';

const OAUTH_ERROR = { $ref: '#/components/schemas/OAuthError' };
const USER_VIEW_SCHEMA = {
  type: 'object',
  required: ['id', 'email', 'firstname', 'lastname', 'roles'],
  properties: {
    id: { type: 'integer' },
    email: { type: 'string', format: 'email' },
    firstname: { type: 'string' },
    lastname: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
  },
};

/** The signed-in user, as the seed API's `GET /me/` returned it. */
@Controller('me')
@ApiTags('Users')
@UseGuards(BearerGuard)
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Scopes('read')
  @ApiOAuth2(['read'], OAUTH_OPENAPI_SECURITY.oauth2)
  @ApiBearerAuth(OAUTH_OPENAPI_SECURITY.bearer)
  @ApiOkResponse({ description: 'The signed-in user.', schema: USER_VIEW_SCHEMA })
  @ApiResponse({ status: 401, description: '`invalid_token`, or no token at all.', schema: OAUTH_ERROR })
  @ApiResponse({ status: 403, description: '`insufficient_scope`: no `read` scope, or a token without a user.', schema: OAUTH_ERROR })
  // A client_credentials token has no user to show: 403 insufficient_scope.
  @RequireUser()
  async me(@Principal() principal: OAuthPrincipal): Promise<UserView> {
    const user = principal.userId === null ? null : await this.users.findById(Number(principal.userId));
    // The grant outlived its user (deleted or disabled since): the token no longer stands for anyone.
    if (!user || user.disabled) throw OAuthError.invalidToken();
    return toUserView(user);
  }
}
