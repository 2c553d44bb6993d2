import { readFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AppConfig } from '@bsp/config';
import type { ControlPlaneSettings, RuntimeProfile } from '../pod-set/pod-set.types';

const resources = z.object({
  requests: z.object({ cpuMillis: z.number().int().positive(), memoryMiB: z.number().int().positive() }),
  limits: z.object({ cpuMillis: z.number().int().positive(), memoryMiB: z.number().int().positive() }),
});

/** A runtime profile file may override any part of the default; the result is checked whole. */
const profileSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  images: z.object({
    webapp: z.string().min(1),
    coreapp: z.string().min(1),
    fencingAgent: z.string().min(1),
  }),
  resources: z.object({ webapp: resources, coreapp: resources, fencingAgent: resources }),
  storage: z.object({
    mediaSizeGiB: z.number().int().positive(),
    storageClassName: z.string().min(1),
    accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']),
  }),
  replicas: z.object({ webapp: z.number().int().min(1).max(10) }),
  user: z.object({
    runAsUser: z.number().int().positive(),
    runAsGroup: z.number().int().positive(),
    fsGroup: z.number().int().positive(),
  }),
});

/** Stamped on every pod set's namespace; bump with releases that change what pod sets look like. */
export const CONTROL_PLANE_VERSION = '0.1.0';

export const DEFAULT_RUNTIME_PROFILE: RuntimeProfile = {
  name: 'standard',
  images: {
    webapp: 'docker.whatsapp.biz/web:v2.53.2',
    coreapp: 'docker.whatsapp.biz/coreapp:v2.53.2',
    fencingAgent: 'ghcr.io/bsp-control-plane/fencing-agent:0.1.0',
  },
  resources: {
    webapp: { requests: { cpuMillis: 250, memoryMiB: 512 }, limits: { cpuMillis: 1000, memoryMiB: 1024 } },
    coreapp: { requests: { cpuMillis: 500, memoryMiB: 1024 }, limits: { cpuMillis: 2000, memoryMiB: 2048 } },
    fencingAgent: { requests: { cpuMillis: 10, memoryMiB: 32 }, limits: { cpuMillis: 100, memoryMiB: 64 } },
  },
  storage: { mediaSizeGiB: 20, storageClassName: 'standard', accessMode: 'ReadWriteOnce' },
  replicas: { webapp: 1 },
  user: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
};

/** The pod sets' runtime profile and cluster-facing settings, read once from configuration. */
@Injectable()
export class ProvisioningSettings {
  readonly profile: RuntimeProfile;
  readonly controlPlane: ControlPlaneSettings;
  readonly tenantDatabaseOnDelete: 'retain' | 'drop';

  constructor(config: AppConfig) {
    this.profile = loadProfile(config);
    const admin = new URL(config.get('TENANT_DATABASE_ADMIN_URL') ?? config.get('DATABASE_URL'));
    this.controlPlane = {
      version: CONTROL_PLANE_VERSION,
      namespaceLabels: config.get('CONTROL_PLANE_NAMESPACE_LABELS'),
      ingressNamespaceLabels: config.get('INGRESS_NAMESPACE_LABELS'),
      apiServerCidrs: config.get('KUBE_API_SERVER_CIDRS'),
      database: {
        host: config.get('TENANT_DATABASE_HOST') ?? admin.hostname,
        port: config.get('TENANT_DATABASE_PORT') ?? Number(admin.port || 5432),
        cidrs: config.get('TENANT_DATABASE_CIDRS'),
      },
      dns: {
        namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
        podLabels: { 'k8s-app': 'kube-dns' },
        clusterDomain: config.get('CLUSTER_DOMAIN'),
      },
      httpsEgressExceptCidrs: config.get('HTTPS_EGRESS_EXCEPT_CIDRS'),
      webDomain: config.get('WEB_DOMAIN'),
      leaseUrl: config.get('FENCING_LEASE_URL') ?? null,
    };
    this.tenantDatabaseOnDelete = config.get('TENANT_DATABASE_ON_DELETE');
  }
}

function loadProfile(config: AppConfig): RuntimeProfile {
  const file = config.get('RUNTIME_PROFILE_FILE');
  let profile: RuntimeProfile = DEFAULT_RUNTIME_PROFILE;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`RUNTIME_PROFILE_FILE ${file}: ${(error as Error).message}`);
    }
    const merged = deepMerge(DEFAULT_RUNTIME_PROFILE, parsed);
    const result = profileSchema.safeParse(merged);
    if (!result.success) {
      const where = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`RUNTIME_PROFILE_FILE ${file}: ${where}`);
    }
    profile = result.data;
  }
  return {
    ...profile,
    images: {
      webapp: config.get('WEBAPP_IMAGE') ?? profile.images.webapp,
      coreapp: config.get('COREAPP_IMAGE') ?? profile.images.coreapp,
      fencingAgent: config.get('FENCING_AGENT_IMAGE') ?? profile.images.fencingAgent,
    },
  };
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
