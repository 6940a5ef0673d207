import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { TokenRateLimitCounter } from '@nest-oauth/server';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';

/**
 * For load balancers and orchestrators: 200 with Terminus's report when the app and its database answer, 503
 * with the same report, naming what is down, when they do not. The report also says where the token endpoint's
 * rate limit is counted: `shared` (Redis), `local` (no Redis configured), or `local-fallback` (Redis configured
 * but failing: each instance counts alone until it answers). The app serves either way, so that is `up`.
 */
@Controller('health')
@ApiTags('Health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly rateLimits: TokenRateLimitCounter,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1000 }),
      (): HealthIndicatorResult => ({ rateLimits: { status: 'up', storage: this.rateLimits.mode } }),
    ]);
  }
}
