export const NUMBER_MODES = ['single', 'ha'] as const;
export type NumberMode = (typeof NUMBER_MODES)[number];

export const NUMBER_STATES = [
  'requested',
  'provisioning',
  'active',
  'suspended',
  'deprovisioning',
  'deleted',
  'failed',
] as const;
export type NumberState = (typeof NUMBER_STATES)[number];

export const DESIRED_STATES = ['active', 'suspended', 'deleted'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

export interface CreateNumberRequest {
  /** E.164, e.g. +4915123456789. */
  phoneNumber: string;
  displayName?: string;
  /** Data-residency region; defaults to the tenant's. */
  region?: string;
  mode?: NumberMode;
}

export interface NumberResponse {
  id: string;
  tenantId: string;
  phoneNumber: string;
  /** ISO 3166-1 alpha-2 country of the number. */
  country: string | null;
  displayName: string | null;
  region: string;
  mode: NumberMode;
  state: NumberState;
  desiredState: DesiredState;
  stateReason: string | null;
  fencingEpoch: number;
  createdAt: string;
  updatedAt: string;
}
