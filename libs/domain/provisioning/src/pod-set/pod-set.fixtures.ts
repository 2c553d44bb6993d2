import { podSetNamespace } from './pod-set.names';
import type { ControlPlaneSettings, PodSetInput, RuntimeProfile } from './pod-set.types';

/** Fixed inputs for the golden and unit tests (fake credentials, never real ones). */
export const TEST_PROFILE: RuntimeProfile = {
  name: 'standard',
  images: {
    webapp: 'registry.bsp.example/whatsapp/web-app:v2.53.2',
    coreapp: 'registry.bsp.example/whatsapp/coreapp:v2.53.2',
    fencingAgent: 'registry.bsp.example/bsp/fencing-agent:1.0.0',
  },
  resources: {
    webapp: { requests: { cpuMillis: 250, memoryMiB: 512 }, limits: { cpuMillis: 1000, memoryMiB: 1024 } },
    coreapp: { requests: { cpuMillis: 500, memoryMiB: 1024 }, limits: { cpuMillis: 2000, memoryMiB: 2048 } },
    fencingAgent: { requests: { cpuMillis: 10, memoryMiB: 32 }, limits: { cpuMillis: 100, memoryMiB: 64 } },
  },
  storage: { mediaSizeGiB: 20, storageClassName: 'standard-rwx', accessMode: 'ReadWriteMany' },
  replicas: { webapp: 2 },
  user: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
};

export const TEST_SETTINGS: ControlPlaneSettings = {
  version: '0.1.0',
  namespaceLabels: { 'kubernetes.io/metadata.name': 'bsp-control-plane' },
  ingressNamespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
  apiServerCidrs: ['172.20.0.0/28'],
  database: { host: 'tenant-db.bsp.internal', port: 5432, cidrs: ['10.40.0.0/24'] },
  dns: {
    namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
    podLabels: { 'k8s-app': 'kube-dns' },
    clusterDomain: 'cluster.local',
  },
  httpsEgressExceptCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  webDomain: 'wa.bsp.example',
  leaseUrl: 'http://bsp-api.bsp-control-plane.svc:3000/internal/v1/leases/renew',
};

const NUMBER_ID = '3f2a9c1e-7b4d-4e8a-9f60-1c2d3e4f5a6b';
const TENANT_ID = '8d7c6b5a-4e3f-4a1b-8c9d-0e1f2a3b4c5d';
const PRIMARY_ID = 'a1b2c3d4-e5f6-4789-8abc-def012345678';
const STANDBY_ID = 'b7c8d9e0-f1a2-4b3c-9d4e-5f6a7b8c9d0e';

export function singlePrimaryInput(): PodSetInput {
  return {
    number: {
      id: NUMBER_ID,
      tenantId: TENANT_ID,
      phoneNumber: '+4915123456789',
      region: 'eu-central',
      mode: 'single',
      desiredState: 'active',
      fencingEpoch: 3n,
    },
    placement: {
      id: PRIMARY_ID,
      clusterName: 'eu-central-1',
      zone: 'eu-central-1a',
      role: 'primary',
      namespace: podSetNamespace(NUMBER_ID, PRIMARY_ID),
    },
    profile: TEST_PROFILE,
    settings: TEST_SETTINGS,
    credentials: {
      dbPassword: 'fake-db-password-0000000000000000',
      webappAdminPassword: 'Fake-Admin-Password-1!',
      healthApiKey: 'fake-health-api-key-00000000000000000000',
      encryptionSecret: 'fake-encryption-secret-000000000000000000',
    },
  };
}

export function haStandbyInput(): PodSetInput {
  const base = singlePrimaryInput();
  return {
    ...base,
    number: { ...base.number, mode: 'ha', fencingEpoch: 7n },
    placement: {
      id: STANDBY_ID,
      clusterName: 'eu-central-2',
      zone: 'eu-central-1b',
      role: 'standby',
      namespace: podSetNamespace(NUMBER_ID, STANDBY_ID),
    },
  };
}
