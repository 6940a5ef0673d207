import { SetMetadata } from '@nestjs/common';
import { OAUTH_REQUIRE_USER_KEY } from '../oauth.constants';

/**
 * Marks a route that acts for a resource owner. `BearerGuard` then refuses tokens that carry no user (from the
 * client_credentials grant) with 403 `insufficient_scope`: the token is valid, it just cannot do this.
 */
export const RequireUser = () => SetMetadata(OAUTH_REQUIRE_USER_KEY, true);
