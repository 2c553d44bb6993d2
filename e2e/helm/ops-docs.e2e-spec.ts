/**
 * The example alert rules and Grafana dashboard under docs/ops/ use metric names that the code
 * registers, or say plainly that they assume one that does not exist yet.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './chart';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(entry) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry) ? [path] : [];
  });
}

/** Names passed to prom-client as `name: '…'` in apps/ and libs/ (the kube emulator excluded). */
const registered = new Set(
  [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))]
    .filter((f) => !f.includes('kube-sim'))
    .flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/name:\s*'((?:bsp|http)_[a-z0-9_]+)'/g)].map((m) => m[1]!),
    ),
);

function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(bsp_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));
}

describe('docs/ops monitoring examples', () => {
  it('the code registers the metrics the docs rely on', () => {
    for (const name of [
      'http_requests_total',
      'bsp_reconcile_total',
      'bsp_reconcile_duration_seconds',
      'bsp_kube_api_requests_total',
    ]) {
      expect(registered).toContain(name);
    }
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
      ]),
    );
    for (const rule of rules) {
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

  it('grafana-dashboard.json: each bsp_* metric exists or its panel says it is assumed', () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'docs/ops/grafana-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const panel of dashboard.panels) {
      const missing = panel.targets.flatMap((t) => metricNames(t.expr)).filter((n) => !registered.has(n));
      expect(panel.title.includes('assumed metric'), `${panel.title}: ${missing.join(', ')}`).toBe(
        missing.length > 0,
      );
    }
  });
});
