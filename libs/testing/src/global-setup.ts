import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '@bsp/db';
import { dropDatabase, dropStaleTestDatabases, recreateDatabase } from './test-database';
import { databaseUrl } from './test-env';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/**
 * Migrates a template database once per run; every test file clones it (fast, isolated). The
 * template's name is unique to this run, so two runs on one PostgreSQL never clobber each other.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await dropStaleTestDatabases();
  const template = process.env.TEST_TEMPLATE_DB ?? `bsp_test_${Date.now().toString(36)}_tpl${process.pid}`;
  await recreateDatabase(template);
  await applyMigrations({
    databaseUrl: databaseUrl(template),
    migrationsDir: resolve(__dirname, '../../../prisma/migrations'),
  });
  project.provide('templateDatabase', template);
  return async () => {
    if (!process.env.TEST_TEMPLATE_DB) await dropDatabase(template);
  };
}
