import { CreateOAuthTables1764201600000 } from './1764201600000-create-oauth-tables';
import { CountAttemptsBeforeChecking1764806400000 } from './1764806400000-count-attempts-before-checking';
import { UserRevocations1764806401000 } from './1764806401000-user-revocations';
import { ClientRedirectUris1764979200000 } from './1764979200000-client-redirect-uris';
import { AuthorizationCodes1764979201000 } from './1764979201000-authorization-codes';
import { SessionsAndConsents1764979202000 } from './1764979202000-sessions-and-consents';

/** The module's migrations, oldest first; add them to the host's DataSource `migrations`. */
export const OAUTH_MIGRATIONS = [
  CreateOAuthTables1764201600000,
  CountAttemptsBeforeChecking1764806400000,
  UserRevocations1764806401000,
  ClientRedirectUris1764979200000,
  AuthorizationCodes1764979201000,
  SessionsAndConsents1764979202000,
];
