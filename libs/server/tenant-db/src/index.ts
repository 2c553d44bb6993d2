export * from './tenant-database.provisioner';
export {
  createTenantDatabaseProvisioner,
  PgTenantDatabaseProvisioner,
  TenantDatabaseError,
} from './pg-tenant-database.provisioner';
export { scramSha256Verifier } from './scram-verifier';
