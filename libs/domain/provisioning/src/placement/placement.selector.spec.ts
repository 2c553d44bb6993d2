import { selectPlacement } from './placement.selector';
import type { CandidateCluster, ExistingPlacement, PlacementSelection } from './placement.types';

type ClusterRow = [
  name: string,
  region: string,
  zone: string,
  capacity: number,
  active: number,
  state?: CandidateCluster['state'],
];

const clusters = (...rows: ClusterRow[]): CandidateCluster[] =>
  rows.map(([name, region, zone, capacity, activeCount, state = 'active']) => ({
    id: `id-${name}`,
    name,
    region,
    zone,
    capacity,
    activeCount,
    state,
  }));

const EU = 'eu-central';

function pick(
  mode: 'single' | 'ha',
  rows: CandidateCluster[],
  existing: ExistingPlacement[] = [],
  region = EU,
): PlacementSelection {
  return selectPlacement({ number: { id: 'n1', region, mode }, clusters: rows, existing });
}

/** Short form of an outcome: `primary`, `primary+standby`, or the failure kind. */
function summary(s: PlacementSelection): string {
  switch (s.kind) {
    case 'placed':
      return s.standby ? `${s.primary.clusterName}+${s.standby.clusterName}` : s.primary.clusterName;
    case 'no-capacity':
      return 'no-capacity';
    case 'no-standby':
      return `no-standby(${s.primary.clusterName})`;
  }
}

describe('selectPlacement', () => {
  it.each<[string, 'single' | 'ha', CandidateCluster[], string]>([
    ['least utilised cluster wins', 'single', clusters(['a', EU, 'z1', 10, 5], ['b', EU, 'z2', 10, 2]), 'b'],
    [
      'utilisation, not absolute count',
      'single',
      clusters(['a', EU, 'z1', 100, 20], ['b', EU, 'z2', 10, 5]),
      'a',
    ],
    [
      'never outside the region, even when it is empty',
      'single',
      clusters(['a', EU, 'z1', 10, 9], ['x', 'us-east', 'z1', 100, 0]),
      'a',
    ],
    [
      'only a foreign region has room',
      'single',
      clusters(['a', EU, 'z1', 10, 10], ['x', 'us-east', 'z1', 100, 0]),
      'no-capacity',
    ],
    ['no cluster in the region at all', 'single', clusters(['x', 'us-east', 'z1', 100, 0]), 'no-capacity'],
    [
      'cordoned gets no new numbers',
      'single',
      clusters(['a', EU, 'z1', 10, 0, 'cordoned'], ['b', EU, 'z2', 10, 8]),
      'b',
    ],
    [
      'unreachable gets no new numbers',
      'single',
      clusters(['a', EU, 'z1', 10, 0, 'unreachable'], ['b', EU, 'z2', 10, 8]),
      'b',
    ],
    ['retired gets no new numbers', 'single', clusters(['a', EU, 'z1', 10, 0, 'retired']), 'no-capacity'],
    ['full clusters are skipped', 'single', clusters(['a', EU, 'z1', 10, 10], ['b', EU, 'z1', 5, 4]), 'b'],
    ['zero capacity is never chosen', 'single', clusters(['a', EU, 'z1', 0, 0]), 'no-capacity'],
    [
      'tie goes to the less loaded zone',
      'single',
      clusters(['a', EU, 'z1', 10, 2], ['a2', EU, 'z1', 10, 8], ['b', EU, 'z2', 10, 2]),
      'b',
    ],
    ['then more free slots', 'single', clusters(['a', EU, 'z1', 10, 5], ['b', EU, 'z2', 20, 10]), 'b'],
    [
      'then name, whatever the input order',
      'single',
      clusters(['b', EU, 'z2', 10, 1], ['a', EU, 'z1', 10, 1]),
      'a',
    ],
    [
      'HA standby in another zone',
      'ha',
      clusters(['a', EU, 'z1', 10, 0], ['a2', EU, 'z1', 10, 1], ['b', EU, 'z2', 10, 5]),
      'a+b',
    ],
    [
      'HA standby in another cluster of the same zone when there is no other zone',
      'ha',
      clusters(['a', EU, 'z1', 10, 0], ['a2', EU, 'z1', 10, 5]),
      'a+a2',
    ],
    ['HA with one cluster: no standby', 'ha', clusters(['a', EU, 'z1', 10, 0]), 'no-standby(a)'],
    [
      'HA standby never outside the region',
      'ha',
      clusters(['a', EU, 'z1', 10, 0], ['x', 'us-east', 'z2', 10, 0]),
      'no-standby(a)',
    ],
    [
      'HA standby skips cordoned and full clusters',
      'ha',
      clusters(
        ['a', EU, 'z1', 10, 0],
        ['b', EU, 'z2', 10, 0, 'cordoned'],
        ['c', EU, 'z3', 5, 5],
        ['d', EU, 'z1', 10, 9],
      ),
      'a+d',
    ],
    ['HA with no capacity at all', 'ha', clusters(['a', EU, 'z1', 1, 1]), 'no-capacity'],
  ])('%s', (_name, mode, rows, expected) => {
    expect(summary(pick(mode, rows))).toBe(expected);
    expect(summary(pick(mode, [...rows].reverse()))).toBe(expected);
  });

  it('explains a failure with the region in the message', () => {
    const none = pick('single', clusters(['a', EU, 'z1', 1, 1]));
    expect(none).toEqual({
      kind: 'no-capacity',
      region: EU,
      message: `no active cluster with free capacity in region ${EU}`,
    });
    const single = pick('ha', clusters(['a', EU, 'z1', 10, 0]));
    expect(single.kind === 'no-standby' && single.message).toMatch(/region eu-central.*standby/);
  });

  it('keeps the placements a number already has, even on a cluster that is now full or cordoned', () => {
    const rows = clusters(
      ['a', EU, 'z1', 10, 10, 'cordoned'],
      ['b', EU, 'z2', 10, 10],
      ['c', EU, 'z3', 10, 0],
    );
    const existing: ExistingPlacement[] = [
      { id: 'p1', clusterId: 'id-a', role: 'primary' },
      { id: 'p2', clusterId: 'id-b', role: 'standby' },
    ];
    expect(pick('ha', rows, existing)).toEqual({
      kind: 'placed',
      primary: { clusterId: 'id-a', clusterName: 'a', zone: 'z1', existingPlacementId: 'p1' },
      standby: { clusterId: 'id-b', clusterName: 'b', zone: 'z2', existingPlacementId: 'p2' },
    });
  });

  it('adds only the missing standby when a single number becomes HA', () => {
    const rows = clusters(['a', EU, 'z1', 10, 1], ['b', EU, 'z2', 10, 3]);
    const s = pick('ha', rows, [{ id: 'p1', clusterId: 'id-a', role: 'primary' }]);
    expect(s).toEqual({
      kind: 'placed',
      primary: { clusterId: 'id-a', clusterName: 'a', zone: 'z1', existingPlacementId: 'p1' },
      standby: { clusterId: 'id-b', clusterName: 'b', zone: 'z2' },
    });
  });

  it('does not keep a standby that shares the primary cluster, nor a placement outside the region', () => {
    const rows = clusters(['a', EU, 'z1', 10, 0], ['b', EU, 'z2', 10, 0], ['x', 'us-east', 'z9', 10, 0]);
    const s = pick('ha', rows, [
      { id: 'p1', clusterId: 'id-x', role: 'primary' },
      { id: 'p2', clusterId: 'id-a', role: 'standby' },
    ]);
    // The foreign primary is ignored, a fresh one goes to a; the standby on a cannot stay.
    expect(summary(s)).toBe('a+b');
    expect(s.kind === 'placed' && s.standby?.existingPlacementId).toBeFalsy();
  });

  it('a single-mode number gets no standby even when one exists', () => {
    const rows = clusters(['a', EU, 'z1', 10, 0], ['b', EU, 'z2', 10, 0]);
    const s = pick('single', rows, [
      { id: 'p1', clusterId: 'id-a', role: 'primary' },
      { id: 'p2', clusterId: 'id-b', role: 'standby' },
    ]);
    expect(s).toEqual({
      kind: 'placed',
      primary: { clusterId: 'id-a', clusterName: 'a', zone: 'z1', existingPlacementId: 'p1' },
    });
  });
});
