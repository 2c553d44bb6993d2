import { AppConfig } from '@bsp/config';
import { applyMigrations } from './migration-runner';

async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const result = await applyMigrations({
    databaseUrl: config.get('DATABASE_URL'),
    migrationsDir: config.get('MIGRATIONS_DIR'),
    log: (message) => process.stdout.write(`${message}\n`),
  });
  process.stdout.write(
    `migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
