import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_PG_ADMIN_URL } from '@bsp/testing';
import { PgTenantDatabaseProvisioner, TenantDatabaseError } from './pg-tenant-database.provisioner';
import { scramSha256Verifier } from './scram-verifier';

describe('PgTenantDatabaseProvisioner on the local PostgreSQL', () => {
  const provisioner = new PgTenantDatabaseProvisioner({ adminUrl: TEST_PG_ADMIN_URL });
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  const names: string[] = [];
  const fresh = () => {
    const name = `wa_test_${randomBytes(6).toString('hex')}`;
    names.push(name);
    return name;
  };

  beforeAll(() => admin.connect());
  afterAll(async () => {
    for (const name of names) await provisioner.remove(name, 'drop');
    await admin.end();
    await provisioner.close();
  });

  const role = async (name: string) =>
    (
      await admin.query(
        `SELECT rolcanlogin, rolcreatedb, rolsuper, rolcreaterole, rolreplication, rolconnlimit, rolpassword
         FROM pg_authid WHERE rolname = $1`,
        [name],
      )
    ).rows[0];
  const databasesOf = async (name: string) =>
    (
      await admin.query(
        'SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = $1 ORDER BY 1',
        [name],
      )
    ).rows.map((r: { datname: string }) => r.datname);

  /** Whether the stored verifier accepts the password: recompute with its own salt and compare. */
  const verifies = (stored: string, password: string) => {
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored) ?? [];
    return scramSha256Verifier(password, Buffer.from(salt!, 'base64'), Number(iterations)) === stored;
  };

  it('creates a login role without privileges beyond CREATEDB, and a database it owns that PUBLIC cannot enter', async () => {
    const name = fresh();
    await provisioner.ensure({ name, password: 'first-password-0123456789' });
    const r = await role(name);
    expect(r).toMatchObject({
      rolcanlogin: true,
      rolcreatedb: true,
      rolsuper: false,
      rolcreaterole: false,
      rolreplication: false,
      rolconnlimit: 50,
    });
    expect(r.rolpassword).toMatch(/^SCRAM-SHA-256\$/);
    expect(verifies(r.rolpassword, 'first-password-0123456789')).toBe(true);
    expect(await databasesOf(name)).toEqual([name]);
    const acl = await admin.query(
      "SELECT has_database_privilege('public', datname, 'CONNECT') AS public_connect FROM pg_database WHERE datname = $1",
      [name],
    );
    expect(acl.rows[0].public_connect).toBe(false);
  });

  it('ensure is idempotent and takes a new password', async () => {
    const name = fresh();
    await provisioner.ensure({ name, password: 'first-password-0123456789' });
    await provisioner.ensure({ name, password: 'second-password-0123456789' });
    const r = await role(name);
    expect(verifies(r.rolpassword, 'second-password-0123456789')).toBe(true);
    expect(await databasesOf(name)).toEqual([name]);
  });

  it('ten concurrent ensures of one name all succeed and leave one database', async () => {
    const name = fresh();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => provisioner.ensure({ name, password: 'same-password-0123456789' })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await databasesOf(name)).toEqual([name]);
  });

  it('retain keeps the databases and disables the login; drop removes the role and every database it owns, even with a session open', async () => {
    const name = fresh();
    await provisioner.ensure({ name, password: 'pw-0123456789-0123456789' });
    // The WhatsApp client creates its own prefixed databases as the role.
    await admin.query(`CREATE DATABASE "${name}_waent" OWNER "${name}"`);
    await provisioner.remove(name, 'retain');
    expect(await role(name)).toMatchObject({ rolcanlogin: false, rolpassword: null });
    expect(await databasesOf(name)).toEqual([name, `${name}_waent`]);

    const session = new Client({ connectionString: TEST_PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`) });
    await session.connect();
    session.on('error', () => undefined);
    await provisioner.remove(name, 'drop');
    expect(await role(name)).toBeUndefined();
    const left = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${name}%`]);
    expect(left.rows).toEqual([]);
    await session.end().catch(() => undefined);
    await provisioner.remove(name, 'drop');
    await provisioner.remove(name, 'retain');
  });

  it('refuses names that are not plain identifiers, and no error carries a password', async () => {
    await expect(
      provisioner.ensure({ name: 'Robert"; DROP ROLE postgres; --', password: 'x' }),
    ).rejects.toBeInstanceOf(TenantDatabaseError);
    await expect(provisioner.remove('UPPER', 'drop')).rejects.toBeInstanceOf(TenantDatabaseError);
    const broken = new PgTenantDatabaseProvisioner({
      adminUrl: 'postgresql://postgres@127.0.0.1:1/postgres',
    });
    const error = await broken
      .ensure({ name: fresh(), password: 'the-secret-password-42' })
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(TenantDatabaseError);
    expect(String((error as Error).message)).not.toContain('the-secret-password-42');
    await broken.close();
  });
});
