import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HashLimiter } from '@nest-oauth/server';
import { createServer, type Server } from 'node:http';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.provider';
import { AppMetrics } from './app-metrics';

/**
 * `GET /metrics` in Prometheus's text format, on `METRICS_PORT`: a server of its own, so that the metrics are
 * never reachable through the public port and its proxy, and a scrape costs the API nothing but the reading.
 */
@Injectable()
export class MetricsServer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: AppMetrics,
    private readonly hashLimiter: HashLimiter,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.metrics.watch(this.hashLimiter, this.dataSource);
  }

  async onApplicationBootstrap(): Promise<void> {
    const registry = this.metrics.registry;
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: the metrics are at GET /metrics\n');
        return;
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        (error: unknown) => {
          this.logger.error(`collecting the metrics failed: ${error instanceof Error ? error.message : String(error)}`);
          response.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.config.metrics.port, () => resolve()));
    this.server = server;
    this.logger.log(`Prometheus metrics at http://0.0.0.0:${this.config.metrics.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The metrics, for every module (the OAuth module's events count into them), and the server that shows them. */
@Global()
@Module({ providers: [AppMetrics, MetricsServer], exports: [AppMetrics] })
export class MetricsModule {}
