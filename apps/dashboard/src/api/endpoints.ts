import type {
  ApiKeyResponse,
  AuditEventResponse,
  ClusterResponse,
  CreateApiKeyRequest,
  CreateClusterRequest,
  CreateNumberRequest,
  CreateTenantRequest,
  CreateUserRequest,
  FailedJobResponse,
  FailoverResponse,
  HealthSummaryResponse,
  IssuedApiKeyResponse,
  NumberDetailResponse,
  NumberHealthResponse,
  NumberResponse,
  NumberState,
  Page,
  QueueCountsResponse,
  RotatedApiKeyResponse,
  TenantResponse,
  TenantState,
  UpdateTenantRequest,
  UserResponse,
} from '@bsp/contracts';
import { api, buildUrl } from './api-client';

const enc = encodeURIComponent;

export const tenantsApi = {
  list: (q: { cursor?: string; limit?: number; state?: TenantState }) =>
    api.get<Page<TenantResponse>>('/v1/tenants', { query: q }),
  get: (id: string) => api.get<TenantResponse>(`/v1/tenants/${enc(id)}`),
  create: (body: CreateTenantRequest) => api.post<TenantResponse>('/v1/tenants', body),
  update: (id: string, body: UpdateTenantRequest) =>
    api.patch<TenantResponse>(`/v1/tenants/${enc(id)}`, body),
};

export const numbersApi = {
  list: (
    tenantId: string,
    q: { cursor?: string; limit?: number; state?: NumberState },
    signal?: AbortSignal,
  ) => api.get<Page<NumberResponse>>(`/v1/tenants/${enc(tenantId)}/numbers`, { query: q, signal }),
  /** The number with its placements, observed pod sets, last reconcile and transitions. */
  get: (id: string, signal?: AbortSignal) =>
    api.get<NumberDetailResponse>(`/v1/numbers/${enc(id)}`, { signal }),
  create: (tenantId: string, body: CreateNumberRequest) =>
    api.post<NumberResponse>(`/v1/tenants/${enc(tenantId)}/numbers`, body),
  suspend: (id: string) => api.post<NumberResponse>(`/v1/numbers/${enc(id)}/suspend`),
  resume: (id: string) => api.post<NumberResponse>(`/v1/numbers/${enc(id)}/resume`),
  /** Staff only. */
  reconcile: (id: string) => api.post<NumberResponse>(`/v1/numbers/${enc(id)}/reconcile`),
  deprovision: (id: string) => api.delete<NumberResponse>(`/v1/numbers/${enc(id)}`),
};

/** The health checks' findings: one number's, and counts of monitored numbers by status. */
export const healthApi = {
  number: (numberId: string, signal?: AbortSignal) =>
    api.get<NumberHealthResponse>(`/v1/numbers/${enc(numberId)}/health`, { signal }),
  /** Staff: every tenant (or `tenantId`), with counts per cluster; others: their own tenant. */
  summary: (q: { tenantId?: string }, signal?: AbortSignal) =>
    api.get<HealthSummaryResponse>('/v1/health/summary', { query: q, signal }),
};

export const failoversApi = {
  /** Newest first, with the time of each step. */
  list: (numberId: string, signal?: AbortSignal) =>
    api.get<FailoverResponse[]>(`/v1/numbers/${enc(numberId)}/failovers`, { signal }),
  /** Writers: fence the active instance, promote the standby (or a new placement); runs asynchronously. */
  request: (numberId: string, reason: string) =>
    api.post<FailoverResponse>(`/v1/numbers/${enc(numberId)}/failover`, { reason }),
};

export const apiKeysApi = {
  list: (tenantId: string) => api.get<ApiKeyResponse[]>(`/v1/tenants/${enc(tenantId)}/api-keys`),
  issue: (tenantId: string, body: CreateApiKeyRequest) =>
    api.post<IssuedApiKeyResponse>(`/v1/tenants/${enc(tenantId)}/api-keys`, body),
  rotate: (keyId: string, graceSeconds?: number) =>
    api.post<RotatedApiKeyResponse>(
      `/v1/api-keys/${enc(keyId)}/rotate`,
      graceSeconds === undefined ? {} : { graceSeconds },
    ),
  revoke: (keyId: string) => api.delete(`/v1/api-keys/${enc(keyId)}`),
};

export interface AuditQuery {
  tenantId?: string;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export const auditApi = {
  list: (q: AuditQuery) => api.get<Page<AuditEventResponse>>('/v1/audit-events', { query: { ...q } }),
  /** The CSV export of every match, fetched with the bearer token (a plain link could not carry it). */
  async exportCsv(q: Omit<AuditQuery, 'cursor' | 'limit'>): Promise<{ blob: Blob; filename: string }> {
    const res = await api.raw('GET', '/v1/audit-events', {
      query: { ...q },
      headers: { accept: 'text/csv' },
    });
    const disposition = res.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'audit-events.csv';
    return { blob: await res.blob(), filename };
  },
  csvUrl: (q: AuditQuery) => buildUrl('/v1/audit-events', { ...q }),
};

export const clustersApi = {
  list: (q: { region?: string }) => api.get<ClusterResponse[]>('/v1/clusters', { query: q }),
  register: (body: CreateClusterRequest) => api.post<ClusterResponse>('/v1/clusters', body),
};

/** Staff only: BullMQ queue depths and failed jobs. */
export const queuesApi = {
  overview: (signal?: AbortSignal) => api.get<QueueCountsResponse[]>('/v1/queues', { signal }),
  failed: (queue: string, q: { offset?: number; limit?: number }, signal?: AbortSignal) =>
    api.get<FailedJobResponse[]>(`/v1/queues/${enc(queue)}/failed`, { query: q, signal }),
  retry: (queue: string, jobId: string) =>
    api.post<FailedJobResponse>(`/v1/queues/${enc(queue)}/jobs/${enc(jobId)}/retry`),
};

export const usersApi = {
  list: (q: { tenantId?: string }, signal?: AbortSignal) =>
    api.get<UserResponse[]>('/v1/users', { query: q, signal }),
  create: (body: CreateUserRequest) => api.post<UserResponse>('/v1/users', body),
};
