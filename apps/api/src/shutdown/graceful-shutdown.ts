import { type INestApplication, Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Stops the server on SIGTERM (or SIGINT) without failing a request it has accepted, then exits 0:
 * 1. it stops accepting connections, and closes the idle keep-alive ones at once (rather than waiting out their
 *    keep-alive timeout);
 * 2. every request in flight, or arriving on a connection still open, is answered, with `Connection: close`, and
 *    its connection closed after the answer;
 * 3. after `graceSeconds` whatever is still open is cut, so that a stuck request cannot hold the shutdown;
 * 4. then the app closes (its shutdown hooks close the database, after the last write has committed) and the
 *    process exits 0. A second signal exits at once, with 1.
 *
 * Both HTTP platforms serve through Node's `http.Server`, so the same code drains either. Installed instead of
 * Nest's `enableShutdownHooks()`, which closes the app while requests may still need the database and then kills
 * the process with the signal it received.
 */
export function enableGracefulShutdown(app: INestApplication, graceSeconds: number): void {
  const logger = new Logger('Shutdown');
  const server: Server = app.getHttpServer();
  const inFlight = new Set<ServerResponse>();
  let closing = false;

  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    // Accepted on a connection that was open when the shutdown began: answered, then that connection closes.
    if (closing) response.shouldKeepAlive = false;
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      // Its connection is idle now; during a shutdown it is closed before a client can send another request on it.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal}: no new connections; finishing ${inFlight.size} request(s) in flight (at most ${graceSeconds} s)`);
    for (const response of inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceSeconds * 1000);
    });
    if (await Promise.race([drained.then(() => false), graceOver])) {
      logger.warn(`${inFlight.size} request(s) still running after ${graceSeconds} s: cutting their connections`);
      server.closeAllConnections();
    }
    clearTimeout(timer);
    try {
      await app.close();
    } catch (error) {
      logger.error(`closing the app failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    process.exit(0);
  };
  for (const signal of SIGNALS) process.on(signal, (received: NodeJS.Signals) => void shutdown(received));
}
