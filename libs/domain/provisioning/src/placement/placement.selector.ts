import type {
  CandidateCluster,
  ExistingPlacement,
  PlacementChoice,
  PlacementSelection,
  PlacementSelectionInput,
} from './placement.types';

interface Load {
  used: number;
  capacity: number;
}

/**
 * Picks where a number runs, only ever inside its own region (F9). New placements go to `active`
 * clusters with a free slot, least utilised first; ties go to the less utilised zone (spreading a
 * region's numbers over its zones), then the cluster with more free slots, then name and id so the
 * same input always gives the same answer. An HA standby never shares the primary's cluster and
 * prefers another zone; with no other zone, another cluster of the same zone still survives a
 * cluster failure. Placements the number already has are kept, so re-running it changes nothing.
 */
export function selectPlacement({ number, clusters, existing }: PlacementSelectionInput): PlacementSelection {
  const region = number.region;
  const inRegion = clusters.filter((c) => c.region === region);
  const byId = new Map(inRegion.map((c) => [c.id, c]));
  const eligible = inRegion.filter((c) => c.state === 'active' && c.activeCount < c.capacity);
  const zoneLoad = zoneLoads(inRegion);
  const best = (pool: CandidateCluster[]) => [...pool].sort((a, b) => compare(a, b, zoneLoad))[0];

  const keptPrimary = kept(existing, byId, 'primary');
  let primary: PlacementChoice;
  if (keptPrimary) {
    primary = keptPrimary;
  } else {
    const cluster = best(eligible);
    if (!cluster) {
      return {
        kind: 'no-capacity',
        region,
        message:
          inRegion.length === 0
            ? `no cluster is registered in region ${region}`
            : `no active cluster with free capacity in region ${region}`,
      };
    }
    primary = choiceOf(cluster);
  }
  if (number.mode === 'single') return { kind: 'placed', primary };

  const keptStandby = kept(existing, byId, 'standby', primary.clusterId);
  if (keptStandby) return { kind: 'placed', primary, standby: keptStandby };
  const others = eligible.filter((c) => c.id !== primary.clusterId);
  const otherZones = others.filter((c) => c.zone !== primary.zone);
  const cluster = best(otherZones.length > 0 ? otherZones : others);
  if (!cluster) {
    return {
      kind: 'no-standby',
      region,
      primary,
      message: `no second active cluster with free capacity in region ${region} for the HA standby`,
    };
  }
  return { kind: 'placed', primary, standby: choiceOf(cluster) };
}

function kept(
  existing: readonly ExistingPlacement[],
  byId: ReadonlyMap<string, CandidateCluster>,
  role: ExistingPlacement['role'],
  notOnCluster?: string,
): PlacementChoice | undefined {
  for (const p of [...existing].sort((a, b) => cmp(a.id, b.id))) {
    const cluster = byId.get(p.clusterId);
    if (p.role === role && cluster && p.clusterId !== notOnCluster) return choiceOf(cluster, p.id);
  }
  return undefined;
}

function choiceOf(cluster: CandidateCluster, existingPlacementId?: string): PlacementChoice {
  return {
    clusterId: cluster.id,
    clusterName: cluster.name,
    zone: cluster.zone,
    ...(existingPlacementId ? { existingPlacementId } : {}),
  };
}

function zoneLoads(clusters: readonly CandidateCluster[]): Map<string, Load> {
  const loads = new Map<string, Load>();
  for (const c of clusters) {
    const load = loads.get(c.zone) ?? { used: 0, capacity: 0 };
    load.used += c.activeCount;
    load.capacity += c.capacity;
    loads.set(c.zone, load);
  }
  return loads;
}

/** Compares used/capacity exactly (cross-multiplied), so equal ratios tie instead of drifting. */
function compareLoad(a: Load, b: Load): number {
  if (a.capacity === 0 || b.capacity === 0) return (a.capacity === 0 ? 1 : 0) - (b.capacity === 0 ? 1 : 0);
  return a.used * b.capacity - b.used * a.capacity;
}

function compare(a: CandidateCluster, b: CandidateCluster, zones: ReadonlyMap<string, Load>): number {
  const zone = (c: CandidateCluster) => zones.get(c.zone) ?? { used: 0, capacity: 0 };
  return (
    compareLoad(
      { used: a.activeCount, capacity: a.capacity },
      { used: b.activeCount, capacity: b.capacity },
    ) ||
    compareLoad(zone(a), zone(b)) ||
    b.capacity - b.activeCount - (a.capacity - a.activeCount) ||
    cmp(a.name, b.name) ||
    cmp(a.id, b.id)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
