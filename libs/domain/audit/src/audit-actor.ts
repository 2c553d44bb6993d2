import type { Caller } from '@bsp/auth';
import type { ActorType } from '@bsp/db';

export interface AuditActor {
  type: ActorType;
  id: string | null;
  label: string | null;
}

export function actorOf(caller: Caller): AuditActor {
  const p = caller.principal;
  switch (p.kind) {
    case 'user':
      return { type: 'user', id: p.userId, label: p.email };
    case 'api_key':
      return { type: 'api_key', id: p.keyId, label: p.name };
    case 'system':
      return { type: 'system', id: null, label: p.name };
  }
}
