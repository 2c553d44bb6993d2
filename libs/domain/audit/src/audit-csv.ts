import type { AuditEventResponse } from '@bsp/contracts';

export const AUDIT_CSV_COLUMNS = [
  'id',
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_label',
  'action',
  'target_type',
  'target_id',
  'tenant_id',
  'request_id',
  'ip',
  'before',
  'after',
  'metadata',
] as const;

/** RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsvHeader(): string {
  return `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
}

export function auditCsvRow(e: AuditEventResponse): string {
  return (
    [
      e.id,
      e.occurredAt,
      e.actor.type,
      e.actor.id,
      e.actor.label,
      e.action,
      e.target.type,
      e.target.id,
      e.tenantId,
      e.requestId,
      e.ip,
      e.before,
      e.after,
      e.metadata,
    ]
      .map(csvCell)
      .join(',') + '\r\n'
  );
}
