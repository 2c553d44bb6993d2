export const TENANT_STATES = ['active', 'suspended'] as const;
export type TenantState = (typeof TENANT_STATES)[number];

export interface CreateTenantRequest {
  name: string;
  slug?: string;
  dataRegion: string;
}

export interface UpdateTenantRequest {
  name?: string;
  slug?: string;
  dataRegion?: string;
  state?: TenantState;
}

export interface TenantResponse {
  id: string;
  name: string;
  slug: string;
  dataRegion: string;
  state: TenantState;
  createdAt: string;
  updatedAt: string;
}
