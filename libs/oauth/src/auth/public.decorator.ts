import { SetMetadata } from '@nestjs/common';
import { OAUTH_PUBLIC_KEY } from '../oauth.constants';

/**
 * Opts a route, or every route of a controller, out of `BearerGuard`: the guard lets the request through
 * without looking for a token, so `@Principal()` has nothing to give there. Meant for a guard registered
 * globally (`{ provide: APP_GUARD, useClass: BearerGuard }`); it also wins over `@Scopes()` and `@RequireUser()`
 * on the same route or its controller.
 */
export const Public = () => SetMetadata(OAUTH_PUBLIC_KEY, true);
