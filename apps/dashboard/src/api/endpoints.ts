import type {
  ApiKeyResponse,
  AuditEventResponse,
  ClusterResponse,
  CreateApiKeyRequest,
  CreateClusterRequest,
  CreateNumberRequest,
  CreateTenantRequest,
  IssuedApiKeyResponse,
  NumberResponse,
  NumberState,
  Page,
  RotatedApiKeyResponse,
  TenantResponse,
  TenantState,
  UpdateTenantRequest,
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
  list: (tenantId: string, q: { cursor?: string; limit?: number; state?: NumberState }) =>
    api.get<Page<NumberResponse>>(`/v1/tenants/${enc(tenantId)}/numbers`, { query: q }),
  get: (id: string) => api.get<NumberResponse>(`/v1/numbers/${enc(id)}`),
  create: (tenantId: string, body: CreateNumberRequest) =>
    api.post<NumberResponse>(`/v1/tenants/${enc(tenantId)}/numbers`, body),
  deprovision: (id: string) => api.delete<NumberResponse>(`/v1/numbers/${enc(id)}`),
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
