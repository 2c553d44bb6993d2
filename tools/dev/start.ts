/**
 * `npm start`: runs the control plane locally against the machine's PostgreSQL and Redis.
 * Creates the database if needed, applies migrations, keeps generated secrets and the first
 * admin's password in .data/local-secrets.json, starts the API and the worker, waits until both
 * are ready and prints how to reach them. Ctrl-C stops everything.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { applyMigrations } from '../../libs/server/db/src/migration-runner';

const root = resolve(__dirname, '../..');
const dataDir = resolve(root, process.env.BSP_DATA_DIR ?? '.data');
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bsp_local';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const apiPort = process.env.API_PORT ?? '3000';
const workerPort = process.env.WORKER_HTTP_PORT ?? '3001';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect().catch((error: Error) => {
    throw new Error(
      `PostgreSQL at ${target.host} does not answer (${error.message}); set DATABASE_URL or start PostgreSQL`,
    );
  });
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      say(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

async function ensureRedis(url: string): Promise<ChildProcess | undefined> {
  const ping = async () => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  };
  if (await ping()) return undefined;
  const port = new URL(url).port || '6379';
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(
      `Redis at ${url} does not answer and no redis-server is on the PATH: install Redis 7 (apt-get install redis-server) or set REDIS_URL`,
    );
  }
  say(`starting redis-server on port ${port}`);
  const child = spawn(
    'redis-server',
    ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50 && !(await ping()); i++) await new Promise((r) => setTimeout(r, 100));
  return child;
}

function localSecrets(): Record<string, string> {
  const file = resolve(dataDir, 'local-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const secrets = {
    JWT_SECRET: randomBytes(32).toString('base64url'),
    API_KEY_PEPPER: randomBytes(32).toString('base64url'),
    BSP_ADMIN_EMAIL: 'admin@bsp.local',
    BSP_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function waitReady(url: string, child: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode}; see ${dataDir}/logs/${name}.log`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become ready at ${url}`);
}

async function main(): Promise<void> {
  mkdirSync(resolve(dataDir, 'logs'), { recursive: true });
  await ensureDatabase(databaseUrl);
  const redis = await ensureRedis(redisUrl);
  const result = await applyMigrations({ databaseUrl, migrationsDir: resolve(root, 'prisma/migrations') });
  say(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
  const secrets = localSecrets();
  const env = {
    ...process.env,
    ...secrets,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    API_PORT: apiPort,
    WORKER_HTTP_PORT: workerPort,
    MIGRATIONS_DIR: resolve(root, 'prisma/migrations'),
  };
  const children: ChildProcess[] = [];
  const start = (name: string, script: string) => {
    const child = spawn(process.execPath, [resolve(root, script)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(resolve(dataDir, 'logs', `${name}.log`), { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children.push(child);
    return child;
  };
  const stop = () => {
    for (const child of children) child.kill('SIGTERM');
    redis?.kill('SIGTERM');
  };
  process.on('SIGINT', () => {
    say('\nstopping');
    stop();
    process.exit(0);
  });
  process.on('SIGTERM', () => {
    stop();
    process.exit(0);
  });
  const api = start('api', 'dist/apps/api/src/main.js');
  const worker = start('worker', 'dist/apps/worker/src/main.js');
  await Promise.all([
    waitReady(`http://127.0.0.1:${apiPort}/readyz`, api, 'api'),
    waitReady(`http://127.0.0.1:${workerPort}/readyz`, worker, 'worker'),
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
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
