/**
 * `npm start`: runs the control plane locally against the machine's PostgreSQL and Redis.
 * Creates the database if needed, applies migrations, keeps generated secrets and the first
 * admin's password in .data/local-secrets.json, starts the API and the worker, waits until both
 * are ready and prints how to reach them. Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyMigrations } from '../../libs/server/db/src/migration-runner';
import {
  ChildSupervisor,
  ensureDatabase,
  ensureRedis,
  errorMessage,
  loadSecrets,
  randomSecret,
  ROOT,
  say,
  waitReady,
} from './dev-services';

const dataDir = resolve(ROOT, process.env.BSP_DATA_DIR ?? '.data');
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bsp_local';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const apiPort = process.env.API_PORT ?? '3000';
const workerPort = process.env.WORKER_HTTP_PORT ?? '3001';

async function main(): Promise<void> {
  const logDir = resolve(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const supervisor = new ChildSupervisor(logDir, (child, how) => {
    process.stderr.write(`${child.name} stopped unexpectedly (${how}); see ${child.logFile}\n`);
    void supervisor.stop().then(() => process.exit(1));
  });
  let stopping = false;
  // One Ctrl-C may arrive twice (from the terminal and relayed by tsx): stop once.
  const stop = () => {
    if (stopping) return;
    stopping = true;
    say('\nstopping');
    void supervisor.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  await ensureDatabase(databaseUrl);
  await ensureRedis(redisUrl, supervisor);
  const migrationsDir = resolve(ROOT, 'prisma/migrations');
  const result = await applyMigrations({ databaseUrl, migrationsDir });
  say(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
  const secrets = loadSecrets(resolve(dataDir, 'local-secrets.json'), {
    JWT_SECRET: () => randomSecret(),
    API_KEY_PEPPER: () => randomSecret(),
    BSP_ADMIN_EMAIL: () => 'admin@bsp.local',
    BSP_ADMIN_PASSWORD: () => randomSecret(12),
    // The worker seals the numbers' credentials with it (an older secrets file gains it).
    SECRETS_ENCRYPTION_KEYS: () => `k1:${randomBytes(32).toString('base64')}`,
  });
  const env = {
    ...process.env,
    ...secrets,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    API_PORT: apiPort,
    WORKER_HTTP_PORT: workerPort,
    MIGRATIONS_DIR: migrationsDir,
  };
  const start = (name: string, script: string) =>
    supervisor.start({ name, command: process.execPath, args: [resolve(ROOT, script)], env });
  const api = start('api', 'dist/apps/api/src/main.js');
  const worker = start('worker', 'dist/apps/worker/src/main.js');
  await Promise.all([
    waitReady(`http://127.0.0.1:${apiPort}/readyz`, api),
    waitReady(`http://127.0.0.1:${workerPort}/readyz`, worker),
  ]);
  say('');
  say(`BSP control plane is running`);
  say(`  dashboard: http://127.0.0.1:${apiPort}/`);
  say(`  API:      http://127.0.0.1:${apiPort}/v1`);
  say(`  API docs: http://127.0.0.1:${apiPort}/docs`);
  say(
    `  admin:    ${secrets.BSP_ADMIN_EMAIL} / ${secrets.BSP_ADMIN_PASSWORD}   (kept in ${dataDir}/local-secrets.json)`,
  );
  say(`  logs:     ${dataDir}/logs/`);
  say('Press Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorMessage(error)}\n`);
  process.exit(1);
});
