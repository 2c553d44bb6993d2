export { HttpMetricsMiddleware } from './http-metrics.middleware';
export { REDACTED_LOG_PATHS } from './log-redaction';
export { MetricsService } from './metrics.service';
export { ObservabilityModule, type ObservabilityOptions } from './observability.module';
export { requestIdFor } from './request-id';
