import { Injectable } from '@nestjs/common';
import { HashLimiter, OAUTH_GRANT_TYPES, type OAuthEvent } from '@nest-oauth/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** What the token endpoint's answer says about a request, by its status. */
export type TokenOutcome = 'issued' | 'refused' | 'rate_limited' | 'unavailable' | 'error';

/** The parts of node-postgres's pool the gauges read; sqlite has no pool. */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The app's Prometheus metrics, in a registry of their own. The OAuth module reports through its events
 * (`MeteredOAuthEvents` feeds `record`), the HTTP platform through `observeRequest`, and the gauges read the hash
 * limiter and the database pool when scraped. Labels take values from fixed lists only (grant types, route
 * patterns, status codes), so no client can grow the number of series.
 */
@Injectable()
export class AppMetrics {
  readonly registry = new Registry();

  private readonly tokensIssued = new Counter({
    name: 'oauth_tokens_issued_total',
    help: 'Tokens issued, by grant type',
    labelNames: ['grant_type'],
    registers: [this.registry],
  });
  private readonly tokenRequests = new Counter({
    name: 'oauth_token_requests_total',
    help: 'Requests to the token endpoint, by grant type and outcome (issued, refused, rate_limited, unavailable, error)',
    labelNames: ['grant_type', 'outcome'],
    registers: [this.registry],
  });
  private readonly loginFailures = new Counter({
    name: 'oauth_login_failures_total',
    help: 'Password grants refused for a wrong username or password',
    registers: [this.registry],
  });
  private readonly lockouts = new Counter({
    name: 'oauth_lockouts_total',
    help: 'Accounts and clients locked after too many failures, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly refreshTokenReuse = new Counter({
    name: 'oauth_refresh_token_reuse_total',
    help: 'Refresh tokens presented again after rotation (the grant is revoked)',
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'oauth_rate_limited_requests_total',
    help: 'Requests refused by the per-address rate limit',
    registers: [this.registry],
  });
  private readonly hashRejections = new Counter({
    name: 'oauth_hash_rejections_total',
    help: 'Password and secret hashes refused by the hash limiter, by reason (queue_full, deadline)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Adds the gauges read at each scrape: the hash limiter's queue, and the database pool on PostgreSQL. Apart from
   * the constructor because the limiter reports to the metrics through the module's events.
   */
  watch(hashLimiter: HashLimiter, dataSource: DataSource): void {
    new Gauge({
      name: 'oauth_hash_queue_length',
      help: 'Hashes waiting for a slot of the hash limiter',
      registers: [this.registry],
      collect() {
        this.set(hashLimiter.waiting);
      },
    });
    new Gauge({
      name: 'oauth_hash_running',
      help: 'Hashes computing now',
      registers: [this.registry],
      collect() {
        this.set(hashLimiter.running);
      },
    });
    const pool = (dataSource.driver as { master?: Partial<PgPool> }).master;
    if (pool && typeof pool.totalCount === 'number') {
      const pg = pool as PgPool;
      new Gauge({
        name: 'db_pool_connections',
        help: 'Database pool connections, by state (total, idle, waiting: requests waiting for a connection)',
        labelNames: ['state'],
        registers: [this.registry],
        collect() {
          this.set({ state: 'total' }, pg.totalCount);
          this.set({ state: 'idle' }, pg.idleCount);
          this.set({ state: 'waiting' }, pg.waitingCount);
        },
      });
    }
  }

  /** Counts what the OAuth module reports. */
  record(event: OAuthEvent): void {
    switch (event.type) {
      case 'token.issued':
        this.tokensIssued.inc({ grant_type: event.grantType });
        break;
      case 'login.failed':
        this.loginFailures.inc();
        break;
      case 'account.locked':
        this.lockouts.inc({ kind: 'account' });
        break;
      case 'client.locked':
        this.lockouts.inc({ kind: 'client' });
        break;
      case 'refresh_token.reuse_detected':
        this.refreshTokenReuse.inc();
        break;
      case 'request.rate_limited':
        this.rateLimited.inc();
        break;
      case 'hash.rejected':
        this.hashRejections.inc({ reason: event.reason });
        break;
    }
  }

  /** Times one answered request; `route` is the pattern that matched (undefined: none did). */
  observeRequest(request: { method: string; route?: string; statusCode: number; seconds: number; grantType?: unknown }): void {
    const route = request.route ?? 'unmatched';
    this.requestDuration.observe({ method: request.method, route, status_code: String(request.statusCode) }, request.seconds);
    if (request.method === 'POST' && route === '/oauth/token') {
      const grantType = OAUTH_GRANT_TYPES.includes(request.grantType as never) ? String(request.grantType) : 'other';
      this.tokenRequests.inc({ grant_type: grantType, outcome: tokenOutcome(request.statusCode) });
    }
  }
}

function tokenOutcome(status: number): TokenOutcome {
  if (status === 200) return 'issued';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  return status < 500 ? 'refused' : 'error';
}
