import { Pool, type PoolClient } from 'pg';
import { scramSha256Verifier } from './scram-verifier';
import type {
  TenantDatabaseDeletePolicy,
  TenantDatabaseProvisioner,
  TenantDatabaseSpec,
} from './tenant-database.provisioner';

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const CONNECTION_LIMIT = 50;
/** First key of the advisory locks taken per role name (the second is the name's hash). */
const LOCK_CLASS = 72707370;
/** duplicate_database, duplicate_object, unique_violation (on pg_database / pg_authid when racing). */
const ALREADY_EXISTS = new Set(['42P04', '42710', '23505']);

export class TenantDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantDatabaseError';
  }
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
  private closed = false;

  constructor(options: { adminUrl: string; poolMax?: number }) {
    this.pool = new Pool({ connectionString: options.adminUrl, max: options.poolMax ?? 4 });
    this.pool.on('error', () => undefined);
  }

  async ensure(spec: TenantDatabaseSpec): Promise<void> {
    const name = checkName(spec.name);
    const role = quoteIdent(name);
    const attributes = `LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION CONNECTION LIMIT ${CONNECTION_LIMIT}`;
    const password = `PASSWORD ${quoteLiteral(scramSha256Verifier(spec.password))}`;
    await this.run(`ensure ${name}`, name, async (db) => {
      const exists = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
      if (exists.rowCount === 0) {
        try {
          await db.query(`CREATE ROLE ${role} ${attributes} ${password}`);
        } catch (error) {
          if (!ALREADY_EXISTS.has(codeOf(error))) throw error;
          await db.query(`ALTER ROLE ${role} ${attributes} ${password}`);
        }
      } else {
        await db.query(`ALTER ROLE ${role} ${attributes} ${password}`);
      }
      const database = await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (database.rowCount === 0) {
        try {
          await db.query(`CREATE DATABASE ${role} OWNER ${role}`);
        } catch (error) {
          if (!ALREADY_EXISTS.has(codeOf(error))) throw error;
        }
      }
      // Other numbers' roles (and anyone else) may not even connect.
      await db.query(`REVOKE ALL ON DATABASE ${role} FROM PUBLIC`);
    });
  }

  async remove(rawName: string, policy: TenantDatabaseDeletePolicy): Promise<void> {
    const name = checkName(rawName);
    const role = quoteIdent(name);
    await this.run(`remove ${name} (${policy})`, name, async (db) => {
      const exists = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
      if (exists.rowCount === 0) return;
      // Closing the door first: no new sessions, then end the open ones.
      await db.query(`ALTER ROLE ${role} NOLOGIN PASSWORD NULL`);
      await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [name]);
      if (policy === 'retain') return;
      const owned = await db.query<{ datname: string }>(
        'SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = $1',
        [name],
      );
      for (const { datname } of owned.rows) {
        await db.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
      }
      await db.query(`DROP OWNED BY ${role}`);
      await db.query(`DROP ROLE IF EXISTS ${role}`);
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

  /**
   * Runs on one connection holding an advisory lock for the name: two workers changing one role
   * at once make PostgreSQL fail with "tuple concurrently updated" (XX000).
   */
  private async run(what: string, name: string, action: (db: PoolClient) => Promise<void>): Promise<void> {
    try {
      const db = await this.pool.connect();
      try {
        await db.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, name]);
        try {
          await action(db);
        } finally {
          await db.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, name]);
        }
      } finally {
        db.release();
      }
    } catch (error) {
      // pg errors can quote the statement; keep the code and a generic reason only.
      throw new TenantDatabaseError(
        `tenant database: ${what} failed (SQLSTATE ${codeOf(error) || 'unknown'})`,
      );
    }
  }
}

function checkName(name: string): string {
  if (!NAME.test(name)) {
    throw new TenantDatabaseError(
      'tenant database name must be lower-case letters, digits and _ (at most 63)',
    );
  }
  return name;
}

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

export function createTenantDatabaseProvisioner(options: {
  adminUrl: string;
  poolMax?: number;
}): PgTenantDatabaseProvisioner {
  return new PgTenantDatabaseProvisioner(options);
}
