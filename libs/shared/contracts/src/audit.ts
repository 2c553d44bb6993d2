export type ActorType = 'user' | 'api_key' | 'system';

export interface AuditEventResponse {
  id: string;
  occurredAt: string;
  actor: { type: ActorType; id: string | null; label: string | null };
  action: string;
  target: { type: string; id: string | null };
  tenantId: string | null;
  requestId: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
  metadata: unknown;
}
