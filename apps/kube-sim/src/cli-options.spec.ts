import { parseArgs, parseClusterArg } from './cli-options';

describe('kube-sim command line', () => {
  it('reads clusters with zone lists', () => {
    expect(parseClusterArg('name=eu-1,region=eu-central,zones=a,b')).toEqual({
      name: 'eu-1',
      region: 'eu-central',
      zones: ['a', 'b'],
    });
    expect(parseClusterArg('name=eu-2,zones=c,region=eu-central,nodes=3,port=7001')).toEqual({
      name: 'eu-2',
      region: 'eu-central',
      zones: ['c'],
      nodesPerZone: 3,
      port: 7001,
    });
    expect(() => parseClusterArg('region=x')).toThrow(/name= is required/);
  });

  it('combines flags and a config file', () => {
    const yaml =
      'clusters:\n  - {name: us-1, region: us-east, zones: [x, y]}\ntimings: fast\nkubeconfig: /tmp/k\n';
    const opts = parseArgs(
      ['--', '--cluster', 'name=eu-1,region=eu-central,zones=a,b', '--config', 'c.yaml'],
      () => yaml,
    );
    expect(opts.clusters?.map((c) => c.name)).toEqual(['eu-1', 'us-1']);
    expect(opts.clusters?.[1]?.zones).toEqual(['x', 'y']);
    expect(opts.timings).toBe('fast');
    expect(opts.kubeconfigPath).toBe('/tmp/k');
    expect(parseArgs([]).timings).toBe('realistic');
    expect(() => parseArgs(['--timings', 'slow'])).toThrow(/timings/);
  });
});
