import { resolve } from 'node:path';
import { applyMigrations } from '@bsp/db';
import { dropStaleTestDatabases, recreateDatabase } from './test-database';
import { databaseUrl, TEMPLATE_DB } from './test-env';

/** Migrates a template database once per run; every test file clones it (fast, isolated). */
export default async function setup(): Promise<void> {
  await dropStaleTestDatabases();
  await recreateDatabase(TEMPLATE_DB);
  await applyMigrations({
    databaseUrl: databaseUrl(TEMPLATE_DB),
    migrationsDir: resolve(__dirname, '../../../prisma/migrations'),
  });
}
