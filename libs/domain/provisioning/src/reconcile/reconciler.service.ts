import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { systemCaller } from '@bsp/auth';
import type { NumberState, Prisma } from '@bsp/db';
import { AuditService } from '@bsp/domain-audit';
import {
  type ClusterTarget,
  KubeApiError,
  type KubeGateway,
  type KubeObject,
  type ManagedObjectCache,
} from '@bsp/kube';
import type { TenantDatabaseProvisioner } from '@bsp/tenant-db';
import { NumberCredentialsService } from '../credentials/number-credentials.service';
import { selectPlacement } from '../placement/placement.selector';
import { leaseTokenHash, leaseToken } from '../pod-set/lease-token';
import { podSetNamespace, uuidHex } from '../pod-set/pod-set.names';
import { renderPodSet } from '../pod-set/pod-set.renderer';
import type { KubernetesManifest, NumberCredentialValues } from '../pod-set/pod-set.types';
import { ProvisioningSettings } from '../settings/provisioning-settings';
import { canonicalJson, isUpToDate, podSetHash, withSpecHash } from './pod-set.diff';
import { type ObservedPodSet, observePodSet } from './pod-set.observer';
import type { ReconcileOutcome } from './reconcile.outcome';
import { KUBE_GATEWAY, TENANT_DATABASES } from './reconcile.tokens';
import {
  FENCED_PLACEMENT_STATES,
  type NumberWithPlacements,
  type PlacementWithCluster,
  ProvisioningRepository,
  RETIRING_PLACEMENT_STATES,
} from './provisioning.repository';

const SYSTEM = systemCaller('reconciler');
const CACHE_SYNC_TIMEOUT_MS = 15_000;
const WAIT_FOR_PODS_MS = 2_000;
const WAIT_FOR_NAMESPACE_MS = 1_000;
/** A number the region has no room for is placed again this often (besides the periodic resync). */
const NO_CAPACITY_RETRY_MS = 60_000;
/**
 * Applies of one placement in flight at once: enough to hide the round trips, few enough that a
 * worker running many reconciles does not flood an API server (which answers a flood with
 * timeouts, and timeouts look like an unreachable cluster).
 */
const APPLIES_IN_FLIGHT = 4;
/** Lost compare-and-sets on the CoreApp (its status changes often) before the job retries. */
const CORE_APP_CAS_ATTEMPTS = 4;

/** The database name and role of a number on the tenant database server (the pods' WA_DB_USERNAME). */
export function tenantDatabaseName(numberId: string): string {
  return `wa_${uuidHex(numberId)}`;
}

export function clusterTarget(cluster: { id: string; name: string; credentialsRef: string }): ClusterTarget {
  return { id: cluster.id, name: cluster.name, credentialsRef: cluster.credentialsRef };
}

/** A placement a failover fenced: its namespace goes, then it is released. It no longer counts as the number's. */
export function isRetiring(placement: { state: string }): boolean {
  return (RETIRING_PLACEMENT_STATES as readonly string[]).includes(placement.state);
}

function isFenced(placement: { state: string }): boolean {
  return (FENCED_PLACEMENT_STATES as readonly string[]).includes(placement.state);
}

interface PlacementPass {
  applied: number;
  observed: ObservedPodSet;
}

/**
 * Drives one number towards its desired state: places it, renders each placement's pod set, applies
 * what differs from the cluster (read from the watch cache, so an unchanged number costs no API
 * request and no database write), records what it observes, and moves the number through its
 * lifecycle. Every step is idempotent; a crash anywhere is repaired by running it again.
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger(Reconciler.name);

  constructor(
    private readonly repository: ProvisioningRepository,
    private readonly credentials: NumberCredentialsService,
    private readonly settings: ProvisioningSettings,
    private readonly audit: AuditService,
    @Inject(KUBE_GATEWAY) private readonly kube: KubeGateway,
    @Inject(TENANT_DATABASES) private readonly tenantDatabases: TenantDatabaseProvisioner,
  ) {}

  async reconcile(numberId: string): Promise<ReconcileOutcome> {
    const number = await this.repository.findNumber(numberId);
    if (!number || number.state === 'deleted') return { kind: 'gone' };
    if (number.desiredState === 'deleted') return this.deprovision(number);
    return this.converge(number);
  }

  /**
   * A failover fencing a placement: writes its CoreApp at zero replicas (the whole StatefulSet, as
   * every write of it is) and returns it as stored. 'absent' when the pod set was never created there.
   */
  async applyFencedCoreApp(numberId: string, placementId: string): Promise<KubeObject | 'absent'> {
    const number = await this.repository.findNumber(numberId);
    const placement = number?.placements.find((p) => p.id === placementId);
    if (!number || !placement) return 'absent';
    const credentials = await this.credentials.ensure(number);
    const coreApp = this.render(number, { ...placement, state: 'fencing' }, credentials).find(
      (m) => m.kind === 'StatefulSet',
    );
    if (!coreApp) return 'absent';
    try {
      return await this.kube.apply(clusterTarget(placement.cluster), coreApp);
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return 'absent';
      throw error;
    }
  }

  /** Marks the number failed (from any state but deleted) with a reason; nothing when already so. */
  async markFailed(numberId: string, reason: string): Promise<void> {
    const number = await this.repository.findNumber(numberId);
    if (!number || number.state === 'deleted' || number.desiredState === 'deleted') return;
    if (number.state === 'failed' && number.stateReason === reason) return;
    await this.repository.prisma.$transaction(async (tx) => {
      if (number.state === 'failed') {
        await tx.phoneNumber.updateMany({
          where: { id: number.id, state: 'failed' },
          data: { stateReason: reason },
        });
      } else {
        await this.repository.transition(tx, number, number.state, 'failed', truncate(reason));
      }
    });
  }

  private async converge(initial: NumberWithPlacements): Promise<ReconcileOutcome> {
    let number = initial;
    if (this.needsPlacement(number)) {
      const placed = await this.place(number);
      if (placed.kind === 'failed') {
        await this.markFailed(number.id, placed.reason);
        return placed;
      }
      const reloaded = await this.repository.findNumber(number.id);
      if (!reloaded || reloaded.desiredState === 'deleted')
        return { kind: 'superseded', reason: 'number changed while placing' };
      number = reloaded;
    }

    const credentials = await this.credentials.ensure(number);
    let tenantDatabaseEnsured = false;
    const ensureTenantDatabase = async () => {
      if (tenantDatabaseEnsured) return;
      await this.tenantDatabases.ensure({
        name: tenantDatabaseName(number.id),
        password: credentials.dbPassword,
      });
      tenantDatabaseEnsured = true;
    };

    let applied = 0;
    let retiring = 0;
    for (const placement of number.placements.filter(isRetiring)) {
      if ((await this.retirePlacement(placement)) === 'pending') retiring++;
    }
    const observed = new Map<string, ObservedPodSet>();
    for (const placement of number.placements.filter((p) => !isRetiring(p))) {
      const pass = await this.convergePlacement(number, placement, credentials, ensureTenantDatabase);
      if (pass === 'superseded') {
        return {
          kind: 'superseded',
          reason: `the epoch or active placement of number ${number.id} moved on`,
        };
      }
      applied += pass.applied;
      observed.set(placement.id, pass.observed);
    }

    const target = this.targetState(number, observed);
    if (target !== number.state) {
      const moved = await this.repository.prisma.$transaction((tx) =>
        this.repository.transition(tx, number, number.state, target, null),
      );
      if (!moved) return { kind: 'superseded', reason: 'the number changed during the reconcile' };
    }
    const pending = [...observed.values()].filter((o) => !o.ready);
    if (pending.length > 0 || observed.size === 0 || retiring > 0) {
      return {
        kind: 'waiting',
        state: target,
        applied,
        reason:
          pending.length > 0 || observed.size === 0
            ? describeWait(pending)
            : `waiting for ${retiring} fenced placement(s) to be removed`,
        requeueAfterMs: pending.length > 0 || observed.size === 0 ? WAIT_FOR_PODS_MS : WAIT_FOR_NAMESPACE_MS,
      };
    }
    return { kind: 'converged', state: target, applied, changed: applied > 0 || target !== number.state };
  }

  private needsPlacement(number: NumberWithPlacements): boolean {
    const has = (role: 'primary' | 'standby') =>
      number.placements.some((p) => p.role === role && !isRetiring(p));
    return !has('primary') || (number.mode === 'ha' && !has('standby'));
  }

  /**
   * Creates the placements the number lacks, in one transaction holding the number's row and its
   * region's clusters: two reconciles of one number cannot both place it, and two numbers cannot
   * both take a cluster's last slot. A new primary is the active instance: it claims the number's
   * active slot (unique in the database) and a fresh fencing epoch.
   */
  private async place(
    number: NumberWithPlacements,
  ): Promise<{ kind: 'placed' } | { kind: 'failed'; reason: string; retryAfterMs: number }> {
    return this.repository.prisma.$transaction(async (tx) => {
      const locked = await this.repository.lockNumber(tx, number.id);
      if (!locked) return { kind: 'placed' as const };
      const current = await this.repository.findNumber(number.id, tx);
      if (!current || current.desiredState === 'deleted') return { kind: 'placed' as const };
      const reachable = (await this.repository.candidateClusters(tx, current.region)).map((c) =>
        c.state === 'active' && this.kube.reachability(c.name) === 'unreachable'
          ? { ...c, state: 'unreachable' as const }
          : c,
      );
      const existing = current.placements
        .filter((p) => !isRetiring(p))
        .map((p) => ({ id: p.id, clusterId: p.clusterId, role: p.role }));
      // A cluster the number was just failed away from is the last resort for its new placements.
      const failedAway = new Set(current.placements.filter(isRetiring).map((p) => p.clusterId));
      const avoiding = reachable.map((c) =>
        c.state === 'active' && failedAway.has(c.id) ? { ...c, state: 'cordoned' as const } : c,
      );
      let selection = selectPlacement({ number: current, clusters: avoiding, existing });
      if (selection.kind !== 'placed' && failedAway.size > 0) {
        selection = selectPlacement({ number: current, clusters: reachable, existing });
      }
      if (selection.kind === 'no-capacity') {
        return { kind: 'failed' as const, reason: selection.message, retryAfterMs: NO_CAPACITY_RETRY_MS };
      }
      const created: Prisma.InputJsonValue[] = [];
      // The row is locked: the epoch is what was read, or what this transaction moves it to.
      let fencingEpoch = locked.fencingEpoch;
      if (!selection.primary.existingPlacementId) {
        const epoch = locked.fencingEpoch + 1n;
        if (!(await this.repository.advanceEpoch(tx, current.id, locked.fencingEpoch, epoch))) {
          throw new Error(`fencing epoch of number ${current.id} moved under its row lock`);
        }
        fencingEpoch = epoch;
        const id = randomUUID();
        await this.repository.createPlacement(tx, {
          id,
          numberId: current.id,
          clusterId: selection.primary.clusterId,
          role: 'primary',
          namespace: podSetNamespace(current.id, id),
          state: 'provisioning',
          epoch,
          activeNumberId: current.id,
        });
        created.push({
          id,
          role: 'primary',
          cluster: selection.primary.clusterName,
          epoch: epoch.toString(),
        });
      }
      const standby = selection.kind === 'placed' ? selection.standby : undefined;
      if (standby && !standby.existingPlacementId) {
        const id = randomUUID();
        await this.repository.createPlacement(tx, {
          id,
          numberId: current.id,
          clusterId: standby.clusterId,
          role: 'standby',
          namespace: podSetNamespace(current.id, id),
          state: 'provisioning',
        });
        created.push({ id, role: 'standby', cluster: standby.clusterName });
      }
      const reason = selection.kind === 'no-standby' ? selection.message : null;
      if (current.state === 'requested' || current.state === 'failed') {
        await this.repository.transition(
          tx,
          { ...current, fencingEpoch },
          current.state,
          'provisioning',
          reason,
        );
      } else if (reason !== current.stateReason) {
        await tx.phoneNumber.update({ where: { id: current.id }, data: { stateReason: reason } });
      }
      if (created.length > 0) {
        await this.audit.record(tx, SYSTEM, {
          action: 'number.placed',
          targetType: 'number',
          targetId: current.id,
          tenantId: current.tenantId,
          after: { placements: created },
        });
      }
      return { kind: 'placed' as const };
    });
  }

  private async convergePlacement(
    number: NumberWithPlacements,
    placement: PlacementWithCluster,
    credentials: NumberCredentialValues,
    ensureTenantDatabase: () => Promise<void>,
  ): Promise<PlacementPass | 'superseded'> {
    const target = clusterTarget(placement.cluster);
    const cache = await this.syncedCache(target);
    const manifests = this.render(number, placement, credentials);
    const hash = podSetHash(manifests);
    const namespaceRef = { apiVersion: 'v1', kind: 'Namespace', name: placement.namespace };
    const liveOf = (m: KubernetesManifest) =>
      cache.get({
        apiVersion: m.apiVersion,
        kind: m.kind,
        namespace: m.metadata.namespace,
        name: m.metadata.name,
      });

    const namespace = cache.get(namespaceRef);
    if (namespace?.metadata.deletionTimestamp) {
      // Deleted by hand (or a deprovision that was undone): it must finish going before it can come back.
      return {
        applied: 0,
        observed: observePodSet(manifests, namespace, cache.inNamespace(placement.namespace)),
      };
    }
    const stale = manifests.filter((m) => !isUpToDate(m, liveOf(m)));
    const written = new Map<string, KubeObject>();
    if (stale.length > 0) {
      await ensureTenantDatabase();
      for (const wave of applyWaves(stale)) {
        const objects = await mapLimited(wave, APPLIES_IN_FLIGHT, (m) =>
          m.kind === 'StatefulSet'
            ? this.applyCoreApp(target, number, placement, m, liveOf(m) !== undefined)
            : this.kube.apply(target, m),
        );
        if (objects.includes('superseded')) return 'superseded';
        for (const object of objects) {
          if (object !== 'superseded') written.set(`${object.kind}/${object.metadata.name}`, object);
        }
      }
      this.logger.log(
        { numberId: number.id, placementId: placement.id, cluster: target.name, applied: stale.length },
        'applied pod set changes',
      );
    }

    const live = cache
      .inNamespace(placement.namespace)
      .map((o) => written.get(`${o.kind}/${o.metadata.name}`) ?? o);
    for (const object of written.values()) {
      if (
        object.kind !== 'Namespace' &&
        !live.some((o) => o.kind === object.kind && o.metadata.name === object.metadata.name)
      ) {
        live.push(object);
      }
    }
    const observed = observePodSet(
      manifests,
      written.get(`Namespace/${placement.namespace}`) ?? cache.get(namespaceRef),
      live,
    );
    const drift = stale.length > 0 && placement.appliedHash === hash;
    await this.recordPlacement(number, placement, hash, observed, drift ? stale : []);
    return { applied: stale.length, observed };
  }

  /**
   * The CoreApp is the one object that can make two instances. Before writing it: read it from the
   * API server (the cache may lag behind a fence), refuse to go back to an older epoch, re-check
   * that this reconcile's epoch and active placement still hold in the database, and write only
   * over the version just read: if anyone writes it in between (a failover fencing it, its own
   * controller's status), the API server answers 409 and the steps run again.
   */
  private async applyCoreApp(
    target: ClusterTarget,
    number: NumberWithPlacements,
    placement: PlacementWithCluster,
    manifest: KubernetesManifest,
    exists: boolean,
  ): Promise<KubeObject | 'superseded'> {
    const ref = {
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      namespace: manifest.metadata.namespace,
      name: manifest.metadata.name,
    };
    for (let attempt = 1; ; attempt++) {
      const live = exists || attempt > 1 ? await this.kube.get(target, ref) : undefined;
      const liveEpoch = live?.metadata.annotations?.['bsp.io/fencing-epoch'];
      if (liveEpoch !== undefined && /^\d+$/.test(liveEpoch) && BigInt(liveEpoch) > placement.epoch) {
        return 'superseded';
      }
      const spec = manifest.spec as { replicas?: number } | undefined;
      if ((spec?.replicas ?? 0) > 0) {
        const fencing = await this.repository.currentFencing(number.id);
        if (fencing.activePlacementId !== placement.id || fencing.fencingEpoch !== placement.epoch) {
          return 'superseded';
        }
        await this.ensureLease(number, placement);
      }
      const guarded = live?.metadata.resourceVersion
        ? { ...manifest, metadata: { ...manifest.metadata, resourceVersion: live.metadata.resourceVersion } }
        : manifest;
      try {
        return await this.kube.apply(target, guarded);
      } catch (error) {
        if (!(error instanceof KubeApiError) || error.status !== 409 || attempt >= CORE_APP_CAS_ATTEMPTS)
          throw error;
      }
    }
  }

  /**
   * The lease the CoreApp's fencing agent will renew must exist before the CoreApp can start, or the
   * agent is refused and the instance stays fenced.
   */
  private async ensureLease(number: NumberWithPlacements, placement: PlacementWithCluster): Promise<void> {
    if (!this.settings.controlPlane.leaseUrl) return;
    const credentials = await this.credentials.ensure(number);
    await this.repository.ensureActivationLease({
      placementId: placement.id,
      numberId: number.id,
      epoch: placement.epoch,
      tokenHash: leaseTokenHash(leaseToken(credentials.encryptionSecret, placement.id)),
    });
  }

  /**
   * Removes a fenced placement: deletes its namespace when its cluster answers, and releases it once
   * the cluster confirms the namespace is gone. An unreachable cluster keeps it until it is back.
   */
  private async retirePlacement(placement: PlacementWithCluster): Promise<'pending' | 'released'> {
    const target = clusterTarget(placement.cluster);
    if (this.kube.reachability(target.name) === 'unreachable') return 'pending';
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: placement.namespace };
    let live: KubeObject | undefined;
    try {
      live = await this.kube.get(target, ref);
      if (live && !live.metadata.deletionTimestamp) await this.kube.delete(target, ref);
    } catch (error) {
      if (error instanceof KubeApiError && error.retryable) return 'pending';
      throw error;
    }
    if (live) {
      if (placement.state !== 'releasing') {
        await this.repository.updatePlacement(this.repository.prisma, placement.id, { state: 'releasing' });
      }
      return 'pending';
    }
    await this.repository.prisma.$transaction((tx) => this.repository.releasePlacement(tx, placement.id));
    return 'released';
  }

  /** Writes the placement only where something changed; a drift repair is audited from the system. */
  private async recordPlacement(
    number: NumberWithPlacements,
    placement: PlacementWithCluster,
    hash: string,
    observed: ObservedPodSet,
    repaired: KubernetesManifest[],
  ): Promise<void> {
    const data: Prisma.PlacementUncheckedUpdateInput = {};
    if (placement.appliedHash !== hash) data.appliedHash = hash;
    if (placement.observed === null || canonicalJson(placement.observed) !== canonicalJson(observed)) {
      data.observed = observed as unknown as Prisma.InputJsonValue;
      data.observedAt = new Date();
    }
    const state = observed.ready ? 'ready' : 'provisioning';
    if (
      placement.state !== state &&
      (placement.state === 'provisioning' || placement.state === 'ready' || placement.state === 'pending')
    ) {
      data.state = state;
    }
    if (Object.keys(data).length === 0 && repaired.length === 0) return;
    await this.repository.prisma.$transaction(async (tx) => {
      if (Object.keys(data).length > 0) await this.repository.updatePlacement(tx, placement.id, data);
      if (repaired.length > 0) {
        await this.audit.record(tx, SYSTEM, {
          action: 'number.drift_repaired',
          targetType: 'number',
          targetId: number.id,
          tenantId: number.tenantId,
          metadata: {
            placementId: placement.id,
            cluster: placement.cluster.name,
            namespace: placement.namespace,
            objects: repaired.map((m) => `${m.kind}/${m.metadata.name}`),
          },
        });
      }
    });
  }

  private targetState(
    number: NumberWithPlacements,
    observed: ReadonlyMap<string, ObservedPodSet>,
  ): NumberState {
    const primary = number.placements.find((p) => p.role === 'primary' && !isRetiring(p));
    const primaryObserved = primary && observed.get(primary.id);
    if (number.desiredState === 'suspended') {
      // `ready` here means scaled down as wanted: no CoreApp pod left anywhere.
      const settled = observed.size > 0 && [...observed.values()].every((o) => o.ready);
      return settled ? 'suspended' : number.state;
    }
    if (primaryObserved?.ready) return 'active';
    // Once active, a pod restarting is health's business (degraded), not a lifecycle step back.
    if (number.state === 'active') return 'active';
    return number.placements.length > 0 ? 'provisioning' : number.state;
  }

  private render(
    number: NumberWithPlacements,
    placement: PlacementWithCluster,
    credentials: NumberCredentialValues,
  ): KubernetesManifest[] {
    return renderPodSet({
      number: {
        id: number.id,
        tenantId: number.tenantId,
        phoneNumber: number.phoneNumber,
        region: number.region,
        mode: number.mode,
        desiredState: number.desiredState,
        fencingEpoch: placement.epoch,
      },
      placement: {
        id: placement.id,
        clusterName: placement.cluster.name,
        zone: placement.cluster.zone,
        role: placement.role,
        namespace: placement.namespace,
        fenced: isFenced(placement),
      },
      profile: this.settings.profile,
      settings: this.settings.controlPlane,
      credentials,
    }).map(withSpecHash);
  }

  private async syncedCache(target: ClusterTarget): Promise<ManagedObjectCache> {
    const cache = this.kube.cache(target);
    if (cache.isSynced()) return cache;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        cache.synced(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`cluster ${target.name}: watch cache not synced after ${CACHE_SYNC_TIMEOUT_MS} ms`),
              ),
            CACHE_SYNC_TIMEOUT_MS,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    return cache;
  }

  /**
   * Deletes every placement's namespace, waits until each cluster confirms it is gone (a direct
   * read, not the cache), handles the tenant database per policy, and only then releases the
   * placements and marks the number deleted.
   */
  private async deprovision(number: NumberWithPlacements): Promise<ReconcileOutcome> {
    if (number.state !== 'deprovisioning') {
      await this.repository.prisma.$transaction((tx) =>
        this.repository.transition(tx, number, number.state, 'deprovisioning', null),
      );
    }
    let pending = 0;
    let deleted = 0;
    for (const placement of number.placements) {
      const target = clusterTarget(placement.cluster);
      const ref = { apiVersion: 'v1', kind: 'Namespace', name: placement.namespace };
      const live = await this.kube.get(target, ref);
      if (!live) continue;
      pending++;
      if (!live.metadata.deletionTimestamp) {
        await this.kube.delete(target, ref);
        deleted++;
      }
      if (placement.state !== 'releasing') {
        await this.repository.updatePlacement(this.repository.prisma, placement.id, { state: 'releasing' });
      }
    }
    if (pending > 0) {
      return {
        kind: 'waiting',
        state: 'deprovisioning',
        applied: deleted,
        reason: `waiting for ${pending} namespace(s) to be deleted`,
        requeueAfterMs: WAIT_FOR_NAMESPACE_MS,
      };
    }
    const policy = this.settings.tenantDatabaseOnDelete;
    await this.tenantDatabases.remove(tenantDatabaseName(number.id), policy);
    const done = await this.repository.prisma.$transaction(async (tx) => {
      await this.repository.releasePlacements(tx, number.id);
      const current = await this.repository.findNumber(number.id, tx);
      if (!current || current.desiredState !== 'deleted' || current.state === 'deleted') return false;
      const moved = await this.repository.transition(tx, current, current.state, 'deleted', null);
      if (moved) {
        await this.audit.record(tx, SYSTEM, {
          action: 'number.deprovisioned',
          targetType: 'number',
          targetId: number.id,
          tenantId: number.tenantId,
          metadata: {
            namespaces: number.placements.map((p) => `${p.cluster.name}/${p.namespace}`),
            tenantDatabase: policy,
          },
        });
      }
      return moved;
    });
    return done ? { kind: 'converged', state: 'deleted', applied: 0, changed: true } : { kind: 'gone' };
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the results in order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * The order objects may be written in: the namespace first (everything lives in it), then what
 * the workloads use (quota and limits before any pod, the service account, secret and volume they
 * mount), then the workloads. Objects of one wave go out together.
 */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet']);
function applyWaves(manifests: readonly KubernetesManifest[]): KubernetesManifest[][] {
  const waves = [
    manifests.filter((m) => m.kind === 'Namespace'),
    manifests.filter((m) => m.kind !== 'Namespace' && !WORKLOAD_KINDS.has(m.kind)),
    manifests.filter((m) => WORKLOAD_KINDS.has(m.kind)),
  ];
  return waves.filter((w) => w.length > 0);
}

function describeWait(pending: readonly ObservedPodSet[]): string {
  const first = pending[0];
  if (!first) return 'waiting for a placement';
  if (first.namespace !== 'active') return `namespace ${first.namespace}`;
  const missing = first.objects.filter((o) => !o.present);
  if (missing.length > 0) return `waiting for ${missing.map((o) => `${o.kind}/${o.name}`).join(', ')}`;
  return `waiting for pods: webapp ${first.webapp.available}/${first.webapp.desired}, coreapp ${first.coreapp.ready}/${first.coreapp.desired}`;
}

function truncate(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}
