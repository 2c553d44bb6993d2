import { Client, Pool, type PoolClient, type QueryResultRow } from 'pg';
import { scramSha256Verifier } from './scram-verifier';
import type {
  TenantDatabaseDeletePolicy,
  TenantDatabaseProvisioner,
  TenantDatabaseSpec,
} from './tenant-database.provisioner';

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
/** Names the regular expression lets through that belong to the server itself. */
const RESERVED = new Set(['postgres', 'template0', 'template1', 'public', 'none']);
const DEFAULT_CONNECTION_LIMIT = 50;
/** First key of the advisory locks taken per role name (the second is the name's hash). */
const LOCK_CLASS = 72707370;
/** duplicate_database, duplicate_object, unique_violation (on pg_database / pg_authid when racing). */
const ALREADY_EXISTS = new Set(['42P04', '42710', '23505']);

/** What the provisioner logs through (Nest's Logger fits). Never given a password or a statement. */
export interface TenantDatabaseLogger {
  log(message: unknown, ...optionalParams: unknown[]): void;
  warn(message: unknown, ...optionalParams: unknown[]): void;
}

export interface PgTenantDatabaseProvisionerOptions {
  /** A role with CREATEROLE and CREATEDB (a superuser in practice: DROP DATABASE of others' databases). */
  adminUrl: string;
  poolMax?: number;
  logger?: TenantDatabaseLogger;
  /** Per-role CONNECTION LIMIT; 50 unless told. */
  connectionLimit?: number;
}

/** Carries the step and SQLSTATE only: a pg error's message or detail could quote a statement. */
export class TenantDatabaseError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'TenantDatabaseError';
  }
}

interface RoleRow {
  oid: number;
  privileged: boolean;
}

/** One admin session under the name's advisory lock; `step` names what failed, for the error. */
interface Session {
  query<R extends QueryResultRow>(step: string, sql: string, params?: unknown[]): Promise<R[]>;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Roles and databases on the tenant PostgreSQL server through an admin connection. Statements
 * are built from checked names and a SCRAM verifier (never the password), and errors are
 * rewritten so no statement text reaches a log.
 */
export class PgTenantDatabaseProvisioner implements TenantDatabaseProvisioner {
  private readonly pool: Pool;
  private readonly logger?: TenantDatabaseLogger;
  private readonly connectionLimit: number;
  private closed = false;

  constructor(private readonly options: PgTenantDatabaseProvisionerOptions) {
    this.pool = new Pool({
      connectionString: options.adminUrl,
      max: options.poolMax ?? 4,
      connectionTimeoutMillis: 10_000,
      application_name: 'bsp-tenant-db',
    });
    this.pool.on('error', () => undefined);
    this.logger = options.logger;
    this.connectionLimit = options.connectionLimit ?? DEFAULT_CONNECTION_LIMIT;
  }

  async ensure(spec: TenantDatabaseSpec): Promise<void> {
    const name = checkName(spec.name);
    const role = quoteIdent(name);
    const attributes = `LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT ${this.connectionLimit}`;
    const password = `PASSWORD ${quoteLiteral(scramSha256Verifier(spec.password))}`;
    await this.run(`ensure ${name}`, name, async (db) => {
      const existing = await this.roleOf(db, name);
      if (!existing) {
        try {
          await db.query('create role', `CREATE ROLE ${role} ${attributes} ${password}`);
          this.logger?.log({ role: name }, 'tenant database role created');
        } catch (error) {
          if (!ALREADY_EXISTS.has(codeOf(error))) throw error;
          await db.query('alter role', `ALTER ROLE ${role} ${attributes} ${password}`);
        }
      } else {
        await db.query('alter role', `ALTER ROLE ${role} ${attributes} ${password}`);
      }

      if ((await this.ownerOf(db, name)) === undefined) {
        try {
          await db.query('create database', `CREATE DATABASE ${role} OWNER ${role}`);
          this.logger?.log({ role: name, database: name }, 'tenant database created');
        } catch (error) {
          if (!ALREADY_EXISTS.has(codeOf(error))) throw error;
        }
      }
      const owner = await this.ownerOf(db, name);
      if (owner !== name) {
        throw new TenantDatabaseError(
          `tenant database: ensure ${name} failed: the database ${name} belongs to another role`,
        );
      }

      // Every database the role owns, including those the WhatsApp client created since the last
      // pass (CREATE DATABASE always grants PUBLIC CONNECT): other numbers' roles may not enter.
      for (const datname of await this.databasesOf(db, name)) {
        await db.query('revoke public access', `REVOKE ALL ON DATABASE ${quoteIdent(datname)} FROM PUBLIC`);
      }
    });
  }

  async remove(rawName: string, policy: TenantDatabaseDeletePolicy): Promise<void> {
    const name = checkName(rawName);
    const role = quoteIdent(name);
    await this.run(`remove ${name} (${policy})`, name, async (db) => {
      const existing = await this.roleOf(db, name);
      if (!existing) return;
      // Closing the door first: no new sessions, then end the open ones.
      await db.query('disable login', `ALTER ROLE ${role} NOLOGIN PASSWORD NULL`);
      await db.query(
        'terminate sessions',
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      if (policy === 'retain') {
        this.logger?.log({ role: name }, 'tenant database role disabled, databases retained');
        return;
      }

      const owned = await db.query<{ datname: string; datistemplate: boolean }>(
        'list databases',
        'SELECT datname, datistemplate FROM pg_database WHERE datdba = $1',
        [existing.oid],
      );
      for (const { datname, datistemplate } of owned) {
        // The owner may have marked it a template, which DROP DATABASE refuses.
        if (datistemplate) {
          await db.query('unmark template', `ALTER DATABASE ${quoteIdent(datname)} IS_TEMPLATE false`);
        }
        await db.query('drop database', `DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
      }

      // DROP OWNED only reaches the current database: objects (or grants) the role holds in
      // databases it does not own would make DROP ROLE fail.
      const elsewhere = await db.query<{ datname: string }>(
        'list dependent databases',
        `SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid
         WHERE s.refclassid = 'pg_authid'::regclass AND s.refobjid = $1 AND d.datname <> current_database()`,
        [existing.oid],
      );
      for (const { datname } of elsewhere) await this.dropOwnedIn(datname, name);
      await db.query('drop owned', `DROP OWNED BY ${role}`);
      await db.query('drop role', `DROP ROLE IF EXISTS ${role}`);
      this.logger?.log(
        { role: name, databases: owned.map((d) => d.datname) },
        'tenant database role dropped',
      );
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** Nest calls this on shutdown when the provisioner is a provider. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Refuses roles a tenant role never is: we would otherwise demote or drop an administrator. */
  private async roleOf(db: Session, name: string): Promise<RoleRow | undefined> {
    const [row] = await db.query<RoleRow>(
      'read role',
      `SELECT oid::int AS oid,
              (rolsuper OR rolcreaterole OR rolreplication OR rolbypassrls OR rolname = current_user) AS privileged
       FROM pg_roles WHERE rolname = $1`,
      [name],
    );
    if (row?.privileged) {
      throw new TenantDatabaseError(
        `tenant database: refusing to change ${name}: the role exists with privileges a tenant role never has`,
      );
    }
    return row;
  }

  private async ownerOf(db: Session, datname: string): Promise<string | undefined> {
    const [row] = await db.query<{ owner: string }>(
      'read database',
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [datname],
    );
    return row?.owner;
  }

  private async databasesOf(db: Session, name: string): Promise<string[]> {
    const rows = await db.query<{ datname: string }>(
      'list databases',
      'SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = $1',
      [name],
    );
    return rows.map((r) => r.datname);
  }

  private async dropOwnedIn(datname: string, name: string): Promise<void> {
    const url = new URL(this.options.adminUrl);
    url.pathname = `/${encodeURIComponent(datname)}`;
    const client = new Client({ connectionString: url.toString(), application_name: 'bsp-tenant-db' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`DROP OWNED BY ${quoteIdent(name)}`);
    } catch (error) {
      throw new StepError(`drop owned in ${datname}`, error);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * Runs on one connection holding an advisory lock for the name: two workers changing one role
   * at once make PostgreSQL fail with "tuple concurrently updated" (XX000).
   */
  private async run(what: string, name: string, action: (db: Session) => Promise<void>): Promise<void> {
    let client: PoolClient | undefined;
    let failed = false;
    try {
      client = await this.pool.connect().catch((error: unknown) => {
        throw new StepError('connect', error);
      });
      const session = sessionOn(client);
      await session.query('lock', 'SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, name]);
      try {
        await action(session);
      } finally {
        await session.query('unlock', 'SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, name]);
      }
    } catch (error) {
      failed = true;
      if (error instanceof TenantDatabaseError) {
        this.logger?.warn({ role: name, code: error.code }, error.message);
        throw error;
      }
      const step = error instanceof StepError ? error.step : 'unknown step';
      const code = codeOf(error) || undefined;
      const wrapped = new TenantDatabaseError(
        `tenant database: ${what} failed at ${step} (SQLSTATE ${code ?? 'unknown'})`,
        code,
      );
      this.logger?.warn({ role: name, step, code }, wrapped.message);
      throw wrapped;
    } finally {
      // A session whose statements failed may still hold the lock: it is closed, never reused.
      client?.release(failed);
    }
  }
}

class StepError extends Error {
  constructor(
    readonly step: string,
    readonly error: unknown,
  ) {
    super(step);
  }
}

function sessionOn(client: PoolClient): Session {
  return {
    async query<R extends QueryResultRow>(step: string, sql: string, params?: unknown[]) {
      try {
        return (await client.query<R>(sql, params)).rows;
      } catch (error) {
        throw new StepError(step, error);
      }
    },
  };
}

function checkName(name: string): string {
  if (!NAME.test(name)) {
    throw new TenantDatabaseError(
      'tenant database name must be a lower-case letter then lower-case letters, digits and _ (at most 63)',
    );
  }
  if (RESERVED.has(name) || name.startsWith('pg_')) {
    throw new TenantDatabaseError(`tenant database name ${name} is reserved by PostgreSQL`);
  }
  return name;
}

function codeOf(error: unknown): string {
  if (error instanceof StepError) return codeOf(error.error);
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

export function createTenantDatabaseProvisioner(
  options: PgTenantDatabaseProvisionerOptions,
): PgTenantDatabaseProvisioner {
  return new PgTenantDatabaseProvisioner(options);
}
