import { KubeRequestRecorder, type KubeRequestSample, UNREACHABLE_RECHECK_MS } from './kube-request.recorder';

describe('KubeRequestRecorder', () => {
  it('lets an unreachable cluster be tried again after a while, so a cluster that came back is noticed', () => {
    let now = 1_000_000;
    const recorder = new KubeRequestRecorder(undefined, () => now);
    const silent: KubeRequestSample = {
      cluster: 'eu-1',
      verb: 'get',
      resource: 'pods',
      code: 0,
      durationMs: 1,
    };
    for (let i = 0; i < 3; i++) recorder.record(silent);
    expect(recorder.reachability('eu-1')).toBe('unreachable');
    now += UNREACHABLE_RECHECK_MS - 1;
    expect(recorder.reachability('eu-1')).toBe('unreachable');
    now += 1;
    expect(recorder.reachability('eu-1')).toBe('unknown');
    // The retry went unanswered: unreachable again for another while.
    recorder.record(silent);
    expect(recorder.reachability('eu-1')).toBe('unreachable');
    now += UNREACHABLE_RECHECK_MS;
    recorder.record({ ...silent, code: 200 });
    expect(recorder.reachability('eu-1')).toBe('reachable');
  });

  it('counts exactly, filters, tells the observer and tracks reachability', () => {
    const seen: KubeRequestSample[] = [];
    const recorder = new KubeRequestRecorder((s) => seen.push(s));
    const sample = (code: number, verb: KubeRequestSample['verb'] = 'apply'): KubeRequestSample => ({
      cluster: 'eu-1',
      verb,
      resource: 'statefulsets',
      code,
      durationMs: 1,
    });
    expect(recorder.reachability('eu-1')).toBe('unknown');
    recorder.record(sample(200));
    recorder.record(sample(200));
    recorder.record(sample(409));
    expect(recorder.reachability('eu-1')).toBe('reachable');
    // One timeout under load is not a lost cluster; three in a row without any answer are.
    recorder.record(sample(0, 'get'));
    recorder.record(sample(0, 'get'));
    expect(recorder.reachability('eu-1')).toBe('reachable');
    recorder.record(sample(0, 'get'));
    expect(recorder.reachability('eu-1')).toBe('unreachable');
    expect(recorder.counts({ code: 200 })).toEqual([
      { cluster: 'eu-1', verb: 'apply', resource: 'statefulsets', code: 200, count: 2 },
    ]);
    expect(recorder.total()).toBe(6);
    expect(recorder.total({ verb: 'get' })).toBe(3);
    expect(seen).toHaveLength(6);
    recorder.record(sample(200));
    expect(recorder.reachability('eu-1')).toBe('reachable');
    recorder.record(sample(0, 'get'));
    recorder.record(sample(0, 'get'));
    recorder.record(sample(0, 'get'));
    recorder.reset();
    expect(recorder.total()).toBe(0);
    expect(recorder.reachability('eu-1')).toBe('unreachable');
    // A proxied request that timed out is counted, but says nothing about the cluster.
    recorder.record(sample(200));
    for (let i = 0; i < 3; i++) recorder.record(sample(0, 'get'), { reachabilityEvidence: false });
    expect(recorder.reachability('eu-1')).toBe('reachable');
    expect(recorder.total({ code: 0 })).toBe(3);
  });
});
