/**
 * values.schema.json against the chart's own values and wrong types. Ajv is not a direct dependency
 * of the workspace yet (only a transitive one of eslint and prisma): the lead adds `ajv` (^8) to
 * devDependencies; the schema is draft-07 so ajv 6 and 8 both read it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { configSchema, SENSITIVE_KEYS } from '@bsp/config';
import { CHART_DIR } from './chart';
import { VARIANTS } from './variants';

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as {
  properties: { config: { properties: Record<string, unknown> } };
};
const defaults = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Record<string, unknown>;
const options = { allErrors: true, strict: false };
const validate = new Ajv(options).compile(schema);

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const left = out[k];
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      left &&
      typeof left === 'object' &&
      !Array.isArray(left)
        ? merge(left as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function errors(override: Record<string, unknown>): string[] {
  if (validate(merge(defaults, override))) return [];
  return (validate.errors ?? []).map((e) => {
    const where =
      (e as { instancePath?: string }).instancePath ?? (e as { dataPath?: string }).dataPath ?? '';
    return `${where} ${e.message ?? ''}`;
  });
}

/** Variables the chart sets itself, so `config` may not. */
const SET_BY_CHART = [
  'API_HOST',
  'API_PORT',
  'WORKER_HTTP_PORT',
  'DASHBOARD_DIR',
  'MIGRATIONS_DIR',
  'RUNTIME_PROFILE_FILE',
  'BSP_ADMIN_EMAIL',
];

describe('values.schema.json', () => {
  it('accepts the defaults and every tested value set', () => {
    expect(errors({})).toEqual([]);
    for (const v of VARIANTS) expect(errors(v.values), v.name).toEqual([]);
  });

  it.each([
    ['a string replica count', { api: { replicaCount: 'two' } }, /replicaCount/],
    ['a boolean as an object', { ingress: { tls: true } }, /tls/],
    ['a string for a boolean', { rbac: { create: 'yes' } }, /create/],
    ['a port out of range', { worker: { port: 70000 } }, /port/],
    ['image tag latest', { image: { tag: 'latest' } }, /tag/],
    ['an unknown top-level key', { replicas: 3 }, /additional/i],
    ['a misspelt key', { worker: { replicas: 3 } }, /additional/i],
    ['a secret in the ConfigMap', { config: { DATABASE_URL: 'postgresql://u:p@h/db' } }, /config/],
    ['a JWT secret in the ConfigMap', { config: { JWT_SECRET: 'x'.repeat(40) } }, /config/],
    ['an unknown variable', { config: { API_PORTT: 1 } }, /config/],
    ['a bad log level', { config: { LOG_LEVEL: 'verbose' } }, /LOG_LEVEL/],
    [
      'a number as a string variable',
      { config: { RESYNC_INTERVAL_SECONDS: 'often' } },
      /RESYNC_INTERVAL_SECONDS/,
    ],
    ['a lease duration with a unit', { config: { LEASE_DURATION_MS: '12s' } }, /LEASE_DURATION_MS/],
    ['a lease duration as a string', { config: { LEASE_DURATION_MS: '12000' } }, /LEASE_DURATION_MS/],
    ['a lease duration below 1 s', { config: { LEASE_DURATION_MS: 500 } }, /LEASE_DURATION_MS/],
    [
      'a fractional renew interval',
      { config: { LEASE_RENEW_INTERVAL_MS: 4000.5 } },
      /LEASE_RENEW_INTERVAL_MS/,
    ],
    [
      'a negative clock-skew margin',
      { config: { LEASE_CLOCK_SKEW_MARGIN_MS: -1 } },
      /LEASE_CLOCK_SKEW_MARGIN_MS/,
    ],
    [
      'a lease URL without scheme',
      { config: { FENCING_LEASE_URL: 'bsp-api:3000/renew' } },
      /FENCING_LEASE_URL/,
    ],
    ['more health shards than 1024', { config: { HEALTH_SHARDS: 4096 } }, /HEALTH_SHARDS/],
    ['a boolean failover rate', { config: { FAILOVER_RATE_PER_SECOND: true } }, /FAILOVER_RATE_PER_SECOND/],
    [
      'a lease source that is no CIDR',
      { networkPolicy: { leaseSourceCidrs: ['10.0.0.1'] } },
      /leaseSourceCidrs/,
    ],
    [
      'a number as a lease namespace label',
      { networkPolicy: { leaseNamespaceSelector: { 'bsp.io/pod-set': 1 } } },
      /leaseNamespaceSelector/,
    ],
    ['an unknown inline secret', { secrets: { inline: { PASSWORD: 'x' } } }, /inline/],
    ['a ref without name', { secrets: { refs: { DATABASE_URL: { key: 'uri' } } } }, /name/],
    ['a non-string inline secret', { secrets: { inline: { REDIS_URL: 6379 } } }, /REDIS_URL/],
  ])('rejects %s', (_what, override, message) => {
    const found = errors(override);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(message);
  });

  it('accepts the lease, health and failover settings in range, and a lease URL', () => {
    expect(
      errors({
        config: {
          FENCING_LEASE_URL: 'https://10.20.0.50:3000/internal/v1/leases/renew',
          LEASE_DURATION_MS: 30000,
          LEASE_RENEW_INTERVAL_MS: 10000,
          LEASE_CLOCK_SKEW_MARGIN_MS: 0,
          HEALTH_CHECK_INTERVAL_SECONDS: 3600,
          HEALTH_SHARDS: 1024,
          FAILOVER_CONFIRM_TIMEOUT_SECONDS: 600,
        },
        networkPolicy: { leaseSourceCidrs: ['10.60.0.0/16', 'fd00::/8'] },
      }),
    ).toEqual([]);
  });

  it('`config` covers every non-secret variable of libs/server/config and no secret one', () => {
    const allowed = Object.keys(schema.properties.config.properties);
    const everything = Object.keys(configSchema.shape);
    for (const key of allowed) expect(everything).toContain(key);
    for (const key of SENSITIVE_KEYS) expect(allowed).not.toContain(key);
    const covered = new Set([...allowed, ...SENSITIVE_KEYS, ...SET_BY_CHART]);
    expect(everything.filter((k) => !covered.has(k))).toEqual([]);
  });
});
