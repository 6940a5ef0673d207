import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { AppConfig } from './app-config';
import { APP_CONFIG } from './app-config.provider';

/**
 * Makes the validated configuration injectable everywhere: as `ConfigService<AppConfig, true>` (@nestjs/config),
 * the way Nest apps usually read settings, and as the typed `APP_CONFIG` object. Both hold what
 * `loadAppConfig` checked at start; neither reads the environment again.
 */
@Module({})
export class AppConfigModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ ...config })] })],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
