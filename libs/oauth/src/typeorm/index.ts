// The `@nest-oauth/server/typeorm` entry point: the TypeORM storage. Kept apart from the core entry so that a
// host on another storage never loads typeorm or @nestjs/typeorm (both optional peer dependencies).
export {
  OAUTH_ENTITIES,
  OAuthAccessTokenEntity,
  OAuthClientEntity,
  OAuthClientFailureEntity,
  OAuthCounterEntity,
  OAuthGrantEntity,
  OAuthLoginAttemptEntity,
  OAuthRefreshTokenEntity,
  OAuthUserRevocationEntity,
} from './entities';
export { OAUTH_MIGRATIONS } from './migrations';
export { OAuthTypeOrmModule } from './oauth-typeorm.module';
export { TypeOrmAccessTokenRepository } from './typeorm-access-token.repository';
export { EntityStatements } from './typeorm-entity-statements';
export { TypeOrmClientRepository } from './typeorm-client.repository';
export { TypeOrmGrantRepository } from './typeorm-grant.repository';
export { TypeOrmAttemptCounterRepository } from './typeorm-attempt-counter.repository';
export { TypeOrmRefreshTokenRepository } from './typeorm-refresh-token.repository';
export { TypeOrmStorageConnection } from './typeorm-storage-connection';
