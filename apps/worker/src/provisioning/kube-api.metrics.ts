import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import type { KubeRequestSample } from '@bsp/kube';
import { MetricsService } from '@bsp/observability';

/** Every Kubernetes API request of the worker, by cluster, verb, resource and status (0: no answer). */
@Injectable()
export class KubeApiMetrics {
  private readonly requests: Counter<'cluster' | 'verb' | 'resource' | 'code'>;
  private readonly duration: Histogram<'cluster' | 'verb'>;

  constructor(metrics: MetricsService) {
    this.requests = new Counter({
      name: 'bsp_kube_api_requests_total',
      help: 'Kubernetes API requests, by cluster, verb, resource and HTTP status (0: no answer).',
      labelNames: ['cluster', 'verb', 'resource', 'code'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'bsp_kube_api_request_duration_seconds',
      help: 'Kubernetes API request latency (for watches: until the stream opened), by cluster and verb.',
      labelNames: ['cluster', 'verb'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  }

  observe = (sample: KubeRequestSample): void => {
    this.requests.inc({
      cluster: sample.cluster,
      verb: sample.verb,
      resource: sample.resource,
      code: String(sample.code),
    });
    this.duration.observe({ cluster: sample.cluster, verb: sample.verb }, sample.durationMs / 1000);
  };
}
