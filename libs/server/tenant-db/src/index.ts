export * from './tenant-database.provisioner';
export {
  createTenantDatabaseProvisioner,
  PgTenantDatabaseProvisioner,
  type PgTenantDatabaseProvisionerOptions,
  TenantDatabaseError,
  type TenantDatabaseLogger,
} from './pg-tenant-database.provisioner';
export { scramSha256Verifier } from './scram-verifier';
