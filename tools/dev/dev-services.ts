/**
 * What `npm start` (tools/dev/start.ts) and `npm run demo` (tools/dev/demo.ts) share: local
 * PostgreSQL and Redis, the secrets file, supervised child processes with their logs, and
 * readiness waits.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';

export const ROOT = resolve(__dirname, '../..');

export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether nothing listens on host:port (we can bind it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, host, () => server.close(() => done(true)));
  });
}

/** A port the OS says is free now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * `preferred` if it is free; otherwise another free port, unless the port was asked for explicitly
 * (then an error naming `what`).
 */
export async function choosePort(preferred: number, what: string, explicit: boolean): Promise<number> {
  if (await isPortFree(preferred)) return preferred;
  if (explicit) throw new Error(`${what}: port ${preferred} is in use`);
  const port = await freePort();
  say(`${what}: port ${preferred} is in use, using ${port}`);
  return port;
}

/** Whether a PostgreSQL server answers at `url` (any database). */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database of `url` on its server when it does not exist; true when it did so. */
export async function ensureDatabase(url: string): Promise<boolean> {
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
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    say(`created database ${name}`);
    return true;
  } finally {
    await client.end();
  }
}

export async function redisAnswers(url: string): Promise<boolean> {
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
}

/**
 * Uses the Redis at `url` when it answers; otherwise starts `redis-server` (without persistence)
 * on that URL's port under `supervisor`, when one is on the PATH. Returns the started child, if any.
 */
export async function ensureRedis(
  url: string,
  supervisor: ChildSupervisor,
  options: { dir?: string } = {},
): Promise<SupervisedChild | undefined> {
  if (await redisAnswers(url)) return undefined;
  const target = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname))
    throw new Error(`Redis at ${target.host} does not answer; start it or point REDIS_URL at one that does`);
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(
      `Redis at ${target.host} does not answer and no redis-server is on the PATH: install Redis 7 ` +
        `(apt-get install redis-server, brew install redis) or set REDIS_URL to a Redis that runs`,
    );
  }
  const port = target.port || '6379';
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  say(`starting redis-server on 127.0.0.1:${port}`);
  const redis = supervisor.start({
    name: 'redis',
    command: 'redis-server',
    args: [
      '--port',
      port,
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...(options.dir ? ['--dir', options.dir] : []),
    ],
  });
  await waitFor(`redis-server on port ${port}`, redis, () => redisAnswers(url), 10_000);
  return redis;
}

/**
 * A JSON file of secrets (mode 0600): the values it has are kept, missing ones are generated and
 * written back, so a file from an older version gains new keys without losing the old ones.
 */
export function loadSecrets(file: string, generate: Record<string, () => string>): Record<string, string> {
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const secrets = { ...existing };
  for (const [key, make] of Object.entries(generate)) secrets[key] ??= make();
  if (Object.keys(secrets).length !== Object.keys(existing).length)
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export interface SupervisedChild {
  name: string;
  process: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  running(): boolean;
  lastLines(n?: number): string[];
}

interface StartOptions {
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** How to ask it to stop (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
}

/**
 * Child processes in their own process groups (so Ctrl-C in the terminal reaches only the parent,
 * which stops them in order), their output appended to `<logDir>/<name>.log` and kept in memory
 * (last lines). A child that exits while not being stopped is reported to `onUnexpectedExit`.
 */
export class ChildSupervisor {
  private readonly children: (SupervisedChild & { stopSignal: NodeJS.Signals; stopping: boolean })[] = [];

  constructor(
    private readonly logDir: string,
    private readonly onUnexpectedExit: (child: SupervisedChild, how: string) => void,
  ) {
    mkdirSync(logDir, { recursive: true });
    // Last resort if this process ends without stopping them (an uncaught error): no orphans.
    process.once('exit', () => {
      for (const c of this.children) if (c.running()) c.process.kill('SIGKILL');
    });
  }

  start(options: StartOptions): SupervisedChild {
    const logFile = resolve(this.logDir, `${options.name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    log.write(`--- ${new Date().toISOString()} ${options.command} ${(options.args ?? []).join(' ')}\n`);
    const child = spawn(options.command, options.args ?? [], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      uid: options.uid,
      gid: options.gid,
    });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      if (!log.writableEnded) log.write(chunk);
      tail.push(...chunk.toString().split('\n').filter(Boolean));
      if (tail.length > 200) tail.splice(0, tail.length - 200);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let exitedResolve!: () => void;
    let spawnFailed = false;
    const exited = new Promise<void>((r) => (exitedResolve = r));
    const entry = {
      name: options.name,
      process: child,
      logFile,
      exited,
      stopSignal: options.stopSignal ?? 'SIGTERM',
      stopping: false,
      running: () => child.exitCode === null && child.signalCode === null && !spawnFailed,
      lastLines: (n = 20) => tail.slice(-n),
    };
    child.once('error', (error) => {
      spawnFailed = true;
      tail.push(`could not start ${options.command}: ${error.message}`);
      exitedResolve();
      if (!entry.stopping) this.onUnexpectedExit(entry, error.message);
    });
    child.once('exit', (code, signal) => {
      const how = signal ? `signal ${signal}` : `code ${code}`;
      exitedResolve();
      // Its last output may still be on the way until 'close' (which a grandchild could delay).
      let reported = false;
      const report = () => {
        if (reported) return;
        reported = true;
        log.end(`--- exited (${how})\n`);
        if (!entry.stopping) this.onUnexpectedExit(entry, how);
      };
      const timer = setTimeout(report, 1000);
      child.once('close', () => {
        clearTimeout(timer);
        report();
      });
    });
    this.children.push(entry);
    return entry;
  }

  /** Asks the named children (default all, newest first) to stop; kills them after `graceMs`. */
  async stop(names?: string[], graceMs = 10_000): Promise<void> {
    const targets = this.children.filter((c) => !names || names.includes(c.name)).reverse();
    await Promise.all(
      targets.map(async (c) => {
        c.stopping = true;
        if (!c.running()) return;
        c.process.kill(c.stopSignal);
        const timer = setTimeout(() => {
          say(`${c.name} did not stop within ${graceMs / 1000} s; killing it`);
          c.process.kill('SIGKILL');
        }, graceMs);
        await c.exited;
        clearTimeout(timer);
      }),
    );
  }

  /** Immediate SIGKILL of everything still running. */
  killAll(): void {
    for (const c of this.children) {
      c.stopping = true;
      if (c.running()) c.process.kill('SIGKILL');
    }
  }
}

/** Polls `check` until it is true; fails when `child` exits first or after `timeoutMs`. */
export async function waitFor(
  what: string,
  child: SupervisedChild,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!child.running())
      throw new Error(
        `${child.name} exited before ${what} was ready; see ${child.logFile}:\n  ${child
          .lastLines()
          .join('\n  ')}`,
      );
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s; see ${child.logFile}`);
}

/** Waits until `url` answers 2xx (a /readyz probe). */
export function waitReady(url: string, child: SupervisedChild, timeoutMs = 60_000): Promise<void> {
  return waitFor(
    url,
    child,
    async () => {
      try {
        return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
      } catch {
        return false;
      }
    },
    timeoutMs,
  );
}
