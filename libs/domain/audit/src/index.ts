export { auditCsvHeader, auditCsvRow, csvCell } from './audit-csv';
export { AuditModule } from './audit.module';
export { AuditService, toAuditEventResponse, type AuditEntry, type AuditFilters } from './audit.service';
export { redactSecrets } from './redact';
