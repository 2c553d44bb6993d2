import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { TIMING_PRESETS, type ClusterSpec, type SimulationOptions, type TimingPreset } from '@bsp/kube-sim';

export const USAGE = `Usage: kube-sim [--cluster name=eu-1,region=eu-central,zones=a,b[,nodes=2][,port=6443]]...
                [--config file.yaml] [--timings instant|fast|realistic] [--kubeconfig path] [--host 127.0.0.1]

Starts simulated Kubernetes clusters sharing one simulated WhatsApp network, writes one kubeconfig
with a context per cluster, and runs until SIGINT/SIGTERM.`;

/**
 * `--cluster name=eu-1,region=eu-central,zones=a,b`: a bare item after `zones=` is another zone,
 * so zone lists need no quoting.
 */
export function parseClusterArg(text: string): ClusterSpec {
  const fields = new Map<string, string[]>();
  let last: string | undefined;
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      if (last !== 'zones') throw new Error(`--cluster ${text}: "${item}" is not key=value`);
      fields.get('zones')!.push(item);
      continue;
    }
    last = item.slice(0, eq);
    fields.set(last, [item.slice(eq + 1)]);
  }
  const one = (k: string) => fields.get(k)?.[0];
  const name = one('name');
  if (!name) throw new Error(`--cluster ${text}: name= is required`);
  const zones = (fields.get('zones') ?? ['a']).filter(Boolean);
  const spec: ClusterSpec = { name, region: one('region') ?? 'local', zones };
  const nodes = one('nodes') ?? one('nodesPerZone');
  if (nodes !== undefined) spec.nodesPerZone = positiveInt(nodes, 'nodes');
  const port = one('port');
  if (port !== undefined) spec.port = positiveInt(port, 'port');
  for (const k of fields.keys()) {
    if (!['name', 'region', 'zones', 'nodes', 'nodesPerZone', 'port'].includes(k))
      throw new Error(`--cluster: unknown key ${k}`);
  }
  return spec;
}

interface ConfigFile {
  clusters?: (Omit<ClusterSpec, 'zones'> & { zones?: string[] | string })[];
  timings?: TimingPreset | Record<string, number>;
  kubeconfig?: string;
  host?: string;
  images?: { webapp?: string[]; coreapp?: string[]; fencingAgent?: string[] };
}

export function parseArgs(
  argv: string[],
  readFile: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): SimulationOptions {
  const out: SimulationOptions = { timings: 'realistic' };
  const clusters: ClusterSpec[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.includes('=') && arg.startsWith('--')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--':
        break;
      case '--cluster':
        clusters.push(parseClusterArg(value()));
        break;
      case '--config': {
        const cfg = (parse(readFile(value())) ?? {}) as ConfigFile;
        for (const c of cfg.clusters ?? []) {
          const zones = typeof c.zones === 'string' ? c.zones.split(',') : (c.zones ?? ['a']);
          clusters.push({ ...c, zones: zones.map(String) });
        }
        if (cfg.timings !== undefined) out.timings = cfg.timings;
        if (cfg.kubeconfig) out.kubeconfigPath = cfg.kubeconfig;
        if (cfg.host) out.host = cfg.host;
        if (cfg.images) out.images = cfg.images;
        break;
      }
      case '--timings': {
        const t = value();
        if (!(t in TIMING_PRESETS))
          throw new Error(`--timings must be one of ${Object.keys(TIMING_PRESETS).join(', ')}`);
        out.timings = t as TimingPreset;
        break;
      }
      case '--kubeconfig':
        out.kubeconfigPath = value();
        break;
      case '--host':
        out.host = value();
        break;
      case '--help':
      case '-h':
        throw new HelpRequested();
      default:
        throw new Error(`unknown argument ${arg}\n\n${USAGE}`);
    }
  }
  if (clusters.length) out.clusters = clusters;
  return out;
}

export class HelpRequested extends Error {
  constructor() {
    super(USAGE);
  }
}

function positiveInt(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${v}`);
  return n;
}
