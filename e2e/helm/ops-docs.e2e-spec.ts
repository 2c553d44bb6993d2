/**
 * The example alert rules and Grafana dashboard under docs/ops/ use metric names that the code
 * registers, or say plainly that they assume one that does not exist yet; and the labels they
 * select or group by are labels those metrics have.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FAILOVER_TRIGGERS, HEALTH_STATUSES } from '@bsp/contracts';
import { ROOT } from './chart';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(entry) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry) ? [path] : [];
  });
}

/**
 * Names passed to prom-client as `name: '…'` in apps/ and libs/ (the kube emulator excluded),
 * with the `labelNames` that follow in the same registration.
 */
const labelsOf = new Map(
  [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))]
    .filter((f) => !f.includes('kube-sim'))
    .flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      const found = [...text.matchAll(/name:\s*'((?:bsp|http)_[a-z0-9_]+)'/g)];
      return found.map((m, i): [string, string[]] => {
        const registration = text.slice(m.index, found[i + 1]?.index ?? text.length);
        const list = /labelNames:\s*\[([^\]]*)\]/.exec(registration.split(/\}\s*\)/)[0]!)?.[1] ?? '';
        return [m[1]!, [...list.matchAll(/'([a-z_]+)'/g)].map((l) => l[1]!)];
      });
    }),
);
const registered = new Set(labelsOf.keys());

function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(bsp_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));
}

/** Labels Prometheus adds itself (target labels, histogram buckets). */
const TARGET_LABELS = new Set([
  'le',
  'instance',
  'job',
  'service',
  'pod',
  'namespace',
  'container',
  'endpoint',
]);

/** Labels an expression selects or aggregates by that none of its registered bsp_* metrics has. */
function unknownLabels(expr: string): string[] {
  const metrics = metricNames(expr).filter((n) => labelsOf.has(n));
  if (metrics.length === 0) return [];
  const known = new Set([...TARGET_LABELS, ...metrics.flatMap((m) => labelsOf.get(m)!)]);
  const grouped = [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(','));
  const matched = [...expr.matchAll(/\bbsp_[a-z0-9_]+\{([^}]*)\}/g)].flatMap((m) =>
    [...m[1]!.matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!),
  );
  return [...grouped, ...matched].map((l) => l.trim()).filter((l) => l !== '' && !known.has(l));
}

describe('docs/ops monitoring examples', () => {
  it('the code registers the metrics the docs rely on', () => {
    for (const name of [
      'http_requests_total',
      'bsp_reconcile_total',
      'bsp_reconcile_duration_seconds',
      'bsp_kube_api_requests_total',
      'bsp_failovers_total',
      'bsp_failover_duration_seconds',
      'bsp_health_numbers',
      'bsp_health_transitions_total',
      'bsp_health_check_duration_seconds',
      'bsp_health_sweep_duration_seconds',
    ]) {
      expect(registered).toContain(name);
    }
    expect(labelsOf.get('bsp_failovers_total')).toEqual(['trigger', 'outcome']);
    expect(labelsOf.get('bsp_health_numbers')).toEqual(['status']);
    expect(labelsOf.get('bsp_health_sweep_duration_seconds')).toEqual([]);
  });

  it('alerts.yaml: each bsp_* metric exists or its rule is labelled assumed_metric', () => {
    const file = parse(readFileSync(join(ROOT, 'docs/ops/alerts.yaml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string; labels: Record<string, string> }[] }[];
    };
    const rules = file.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'BspReconcileFailed',
        'BspClusterUnreachable',
        'BspQueueBacklog',
        'BspFailoverFailed',
        'BspNumberDown',
      ]),
    );
    for (const rule of rules) {
      expect(unknownLabels(rule.expr), `${rule.alert}: labels its metrics do not have`).toEqual([]);
      const missing = metricNames(rule.expr).filter((n) => !registered.has(n));
      if (missing.length > 0)
        expect(rule.labels['assumed_metric'], `${rule.alert}: ${missing.join(', ')}`).toBe('true');
      else
        expect(
          rule.labels['assumed_metric'],
          `${rule.alert} is marked assumed but all exist`,
        ).toBeUndefined();
    }
  });

  it('alerts.yaml: "failover failed" and "number down" watch the real metrics and label values', () => {
    const file = parse(readFileSync(join(ROOT, 'docs/ops/alerts.yaml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string; for?: string; labels: Record<string, string> }[] }[];
    };
    const rule = (name: string) => file.groups.flatMap((g) => g.rules).find((r) => r.alert === name)!;
    const failover = rule('BspFailoverFailed');
    expect(failover.expr).toMatch(/increase\(bsp_failovers_total\{outcome="failed"\}\[\w+\]\)/);
    expect(failover.labels).toEqual({ severity: 'critical' });
    // The worker counts `failed` and `completed`; group by a label whose values are the triggers.
    const metrics = readFileSync(join(ROOT, 'apps/worker/src/failover/failover.metrics.ts'), 'utf8');
    expect(metrics).toMatch(/outcome: 'completed' \| 'failed'/);
    expect(FAILOVER_TRIGGERS).toContain('unhealthy');

    const down = rule('BspNumberDown');
    expect(HEALTH_STATUSES).toContain('unhealthy');
    // A global gauge every worker replica reports alike: max, not sum.
    expect(down.expr).toMatch(/^max\(bsp_health_numbers\{status="unhealthy"\}\) > 0$/);
    expect(down.for).toMatch(/^\d+m$/);
    expect(down.labels).toEqual({ severity: 'critical' });
  });

  it('grafana-dashboard.json: each bsp_* metric exists or its panel says it is assumed', () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'docs/ops/grafana-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(5);
    const titles = dashboard.panels.map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Numbers by health status',
        'Failovers by trigger and outcome',
        'Failover duration p50 / p95 (completed)',
      ]),
    );
    for (const panel of dashboard.panels) {
      for (const t of panel.targets)
        expect(unknownLabels(t.expr), `${panel.title}: labels its metrics do not have`).toEqual([]);
      const missing = panel.targets.flatMap((t) => metricNames(t.expr)).filter((n) => !registered.has(n));
      expect(panel.title.includes('assumed metric'), `${panel.title}: ${missing.join(', ')}`).toBe(
        missing.length > 0,
      );
    }
  });
});
