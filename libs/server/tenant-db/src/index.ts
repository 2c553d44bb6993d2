export * from './tenant-database.provisioner';
