import { ConfigurationError, loadAppConfig } from './config/app-config';
import { createApp } from './create-app';
import { databaseStartupFailure } from './database/database-startup';
import { enableGracefulShutdown } from './shutdown/graceful-shutdown';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig(process.env);
  const app = await createApp(config);
  // Express listens on every interface when given no host; Fastify only on localhost, so it is told.
  await (config.httpAdapter === 'fastify' ? app.listen(config.port, '0.0.0.0') : app.listen(config.port));
  enableGracefulShutdown(app, config.shutdownGraceSeconds);
}

bootstrap().catch((error: unknown) => {
  // A configuration mistake or a database out of reach is the operator's to fix: print the reason, not a stack trace.
  console.error(error instanceof ConfigurationError ? error.message : (databaseStartupFailure(error) ?? error));
  process.exit(1);
});
