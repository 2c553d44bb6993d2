import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { clusterTarget, KUBE_GATEWAY, ProvisioningRepository } from '@bsp/domain-provisioning';
import type { CachedObjectEvent, KubeGateway } from '@bsp/kube';
import { ReconcileRequests } from '@bsp/queue';

const NUMBER_LABEL = 'bsp.io/number-id';
/** Events of one number inside this window become one request (a rollout changes many objects at once). */
const COALESCE_MS = 100;
const CLUSTER_REFRESH_MS = 30_000;

/**
 * Watches every registered cluster's managed objects and asks for a reconcile of the number an
 * event belongs to: pods becoming ready finish a provisioning at once, and an object deleted or
 * edited by hand is repaired without waiting for the periodic resync.
 */
@Injectable()
export class ClusterEventsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ClusterEventsService.name);
  private readonly watched = new Map<string, () => void>();
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly repository: ProvisioningRepository,
    private readonly requests: ReconcileRequests,
    @Inject(KUBE_GATEWAY) private readonly kube: KubeGateway,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh(), CLUSTER_REFRESH_MS);
    this.refreshTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.refreshTimer);
    clearTimeout(this.flushTimer);
    for (const unsubscribe of this.watched.values()) unsubscribe();
    this.watched.clear();
    await this.kube.close();
  }

  /** Starts watching clusters registered since the last look. */
  async refresh(): Promise<void> {
    try {
      for (const cluster of await this.repository.clusters()) {
        if (this.watched.has(cluster.id) || this.stopped) continue;
        const cache = this.kube.cache(clusterTarget(cluster));
        this.watched.set(
          cluster.id,
          cache.onChange((event) => this.onEvent(event)),
        );
        this.logger.log({ cluster: cluster.name }, 'watching cluster');
      }
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'could not refresh the cluster list');
    }
  }

  private onEvent(event: CachedObjectEvent): void {
    const numberId = event.object.metadata.labels?.[NUMBER_LABEL];
    if (!numberId || this.stopped) return;
    this.pending.add(numberId);
    this.flushTimer ??= setTimeout(() => void this.flush(), COALESCE_MS);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const numbers = [...this.pending];
    this.pending.clear();
    for (const numberId of numbers) {
      await this.requests.request(numberId, 'cluster-event').catch((error: Error) => {
        this.logger.warn({ numberId, error: error.message }, 'could not request a reconcile');
      });
    }
  }
}
