import { Injectable } from '@nestjs/common';
import type { OAuthEvent } from '@nest-oauth/server';
import { StructuredOAuthEvents } from '../logging/structured-oauth-events';
import { AppMetrics } from './app-metrics';

/** The OAuth module's events, logged as always and counted in the metrics. */
@Injectable()
export class MeteredOAuthEvents extends StructuredOAuthEvents {
  constructor(private readonly metrics: AppMetrics) {
    super();
  }

  override emit(event: OAuthEvent): void {
    super.emit(event);
    this.metrics.record(event);
  }
}
