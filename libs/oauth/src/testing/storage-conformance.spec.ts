import { OAuthInMemoryStorageModule } from './oauth-in-memory-storage.module';
import { describeOAuthStorageConformance, openOAuthStorage } from './storage-conformance';

describeOAuthStorageConformance({ describe, it }, 'In-memory storage', () => openOAuthStorage(OAuthInMemoryStorageModule.register()));
