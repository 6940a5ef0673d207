// The `@nest-oauth/server/testing` entry point: what a host's tests use, kept out of the main entry so production
// code never reaches the in-memory storage. It shares every class with the main entry (one OAuthModule, one
// BearerGuard, one set of repository tokens), so a test may mix imports from both.
export { InMemoryOAuthStore } from './in-memory-oauth.store';
export { OAuthInMemoryStorageModule } from './oauth-in-memory-storage.module';
export { OAuthTestingModule, OAuthTestingTokens, type MintTokenInput, type OAuthTestingModuleOptions } from './oauth-testing.module';
export {
  describeOAuthStorageConformance,
  openOAuthStorage,
  storageConformanceCases,
  type ConformanceTestFramework,
  type OAuthStorageUnderTest,
  type StorageConformanceCase,
} from './storage-conformance';
