import { SetMetadata } from '@nestjs/common';
import { OAUTH_SCOPES_KEY } from '../oauth.constants';

/**
 * Scopes an access token must all carry for `BearerGuard` to let it through; on a method it replaces the
 * controller's list.
 */
export const Scopes = (...scopes: string[]) => SetMetadata(OAUTH_SCOPES_KEY, scopes);
