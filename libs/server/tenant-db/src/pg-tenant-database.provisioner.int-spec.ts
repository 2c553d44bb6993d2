import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_PG_ADMIN_URL } from '@bsp/testing';
import { PgTenantDatabaseProvisioner, TenantDatabaseError } from './pg-tenant-database.provisioner';

const urlFor = (user: string, database: string) => {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.username = user;
  url.pathname = `/${database}`;
  return url.toString();
};

/**
 * The SCRAM-SHA-256 exchange of RFC 5802 with both sides played here: the client from the
 * plaintext password, the server from the stored verifier only. The test server trusts every
 * local login, so a real connection would not prove the password.
 */
function scramExchangeSucceeds(stored: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored);
  if (!m) return false;
  const [, iterations, salt, storedKeyB64, serverKeyB64] = m;
  const clientNonce = randomBytes(18).toString('base64');
  const serverNonce = clientNonce + randomBytes(18).toString('base64');
  const authMessage = `n=,r=${clientNonce},r=${serverNonce},s=${salt},i=${iterations},c=biws,r=${serverNonce}`;
  const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

  const salted = pbkdf2Sync(password, Buffer.from(salt!, 'base64'), Number(iterations), 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const clientSignature = hmac(sha256(clientKey), authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ clientSignature[i]!));

  const storedKey = Buffer.from(storedKeyB64!, 'base64');
  const expected = hmac(storedKey, authMessage);
  const recoveredKey = Buffer.from(proof.map((b, i) => b ^ expected[i]!));
  const serverSignature = hmac(Buffer.from(serverKeyB64!, 'base64'), authMessage);
  return (
    sha256(recoveredKey).equals(storedKey) &&
    serverSignature.equals(hmac(hmac(salted, 'Server Key'), authMessage))
  );
}

describe('PgTenantDatabaseProvisioner on the local PostgreSQL', () => {
  const logged: string[] = [];
  const logger = {
    log: (...args: unknown[]) => void logged.push(JSON.stringify(args)),
    warn: (...args: unknown[]) => void logged.push(JSON.stringify(args)),
  };
  const provisioner = new PgTenantDatabaseProvisioner({ adminUrl: TEST_PG_ADMIN_URL, logger });
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  const names: string[] = [];
  const scratchDatabases: string[] = [];
  const scratchRoles: string[] = [];
  const fresh = () => {
    const name = `wa_test_${randomBytes(6).toString('hex')}`;
    names.push(name);
    return name;
  };
  const sessions: Client[] = [];
  const connectAs = async (user: string, database: string) => {
    const client = new Client({ connectionString: urlFor(user, database) });
    client.on('error', () => undefined);
    await client.connect();
    sessions.push(client);
    return client;
  };
  const connectError = (user: string, database: string) =>
    connectAs(user, database).then(
      () => undefined,
      (e: { code?: string }) => e.code,
    );

  beforeAll(() => admin.connect());
  afterAll(async () => {
    for (const s of sessions) await s.end().catch(() => undefined);
    for (const name of names) await provisioner.remove(name, 'drop');
    for (const d of scratchDatabases) await admin.query(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`);
    for (const r of scratchRoles) await admin.query(`DROP ROLE IF EXISTS "${r}"`);
    await admin.end();
    await provisioner.close();
    expect(logged.join('\n')).not.toMatch(/password-0123456789|the-secret-password-42/);
  });

  const role = async (name: string) =>
    (
      await admin.query(
        `SELECT rolcanlogin, rolcreatedb, rolsuper, rolcreaterole, rolreplication, rolbypassrls,
                rolconnlimit, rolpassword
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
    ).rows
      .map((r: { datname: string }) => r.datname)
      .sort();
  const publicCanConnect = async (datname: string) =>
    (
      await admin.query(
        "SELECT has_database_privilege('public', datname, 'CONNECT') AS c FROM pg_database WHERE datname = $1",
        [datname],
      )
    ).rows[0].c;

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
      rolbypassrls: false,
      rolconnlimit: 50,
    });
    expect(r.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(scramExchangeSucceeds(r.rolpassword, 'first-password-0123456789')).toBe(true);
    expect(scramExchangeSucceeds(r.rolpassword, 'first-password-012345678X')).toBe(false);
    expect(await databasesOf(name)).toEqual([name]);
    expect(await publicCanConnect(name)).toBe(false);
  });

  it('lets the role into its own database and keeps another number out of it', async () => {
    const [a, b] = [fresh(), fresh()];
    await provisioner.ensure({ name: a, password: 'a-password-0123456789' });
    await provisioner.ensure({ name: b, password: 'b-password-0123456789' });
    const own = await connectAs(a, a);
    expect((await own.query('SELECT current_user AS u')).rows[0].u).toBe(a);
    expect(await connectError(b, a)).toBe('42501');
  });

  it('ensure is idempotent and takes a new password', async () => {
    const name = fresh();
    await provisioner.ensure({ name, password: 'first-password-0123456789' });
    await provisioner.ensure({ name, password: 'second-password-0123456789' });
    const r = await role(name);
    expect(scramExchangeSucceeds(r.rolpassword, 'second-password-0123456789')).toBe(true);
    expect(scramExchangeSucceeds(r.rolpassword, 'first-password-0123456789')).toBe(false);
    expect(r).toMatchObject({ rolcanlogin: true, rolconnlimit: 50 });
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

  it('concurrent ensures from separate provisioners (separate workers) all succeed', async () => {
    const name = fresh();
    const workers = Array.from(
      { length: 5 },
      () => new PgTenantDatabaseProvisioner({ adminUrl: TEST_PG_ADMIN_URL }),
    );
    try {
      const results = await Promise.allSettled(
        workers.flatMap((w) => [w, w].map((p) => p.ensure({ name, password: 'same-password-0123456789' }))),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await databasesOf(name)).toEqual([name]);
    } finally {
      for (const w of workers) await w.close();
    }
  });

  it('closes the databases the client created itself to PUBLIC on the next ensure', async () => {
    const name = fresh();
    await provisioner.ensure({ name, password: 'pw-0123456789-0123456789' });
    await admin.query(`CREATE DATABASE "${name}_waent" OWNER "${name}"`);
    expect(await publicCanConnect(`${name}_waent`)).toBe(true);
    await provisioner.ensure({ name, password: 'pw-0123456789-0123456789' });
    expect(await publicCanConnect(`${name}_waent`)).toBe(false);
  });

  it('retain keeps the databases and disables the login; drop removes the role and every database it owns, even with a session open', async () => {
    const name = fresh();
    await provisioner.ensure({ name, password: 'pw-0123456789-0123456789' });
    // The WhatsApp client creates its own prefixed databases as the role.
    await admin.query(`CREATE DATABASE "${name}_waent" OWNER "${name}"`);
    await admin.query(`CREATE DATABASE "${name}_wamedia" OWNER "${name}" IS_TEMPLATE true`);
    const own = await connectAs(name, name);
    await provisioner.remove(name, 'retain');
    expect(await role(name)).toMatchObject({ rolcanlogin: false, rolpassword: null });
    expect(await databasesOf(name)).toEqual([name, `${name}_wamedia`, `${name}_waent`].sort());
    await expect(own.query('SELECT 1')).rejects.toThrow();
    expect(await connectError(name, name)).toBe('28000');
    await provisioner.remove(name, 'retain');

    // An admin session in the tenant's database, and an object the role owns elsewhere.
    const adminSession = await connectAs(new URL(TEST_PG_ADMIN_URL).username, `${name}_waent`);
    const elsewhere = `${name}_other`;
    scratchDatabases.push(elsewhere);
    await admin.query(`CREATE DATABASE "${elsewhere}"`);
    const other = await connectAs(new URL(TEST_PG_ADMIN_URL).username, elsewhere);
    await other.query(`CREATE TABLE leftover (id int); ALTER TABLE leftover OWNER TO "${name}"`);
    await other.end();

    await provisioner.remove(name, 'drop');
    expect(await role(name)).toBeUndefined();
    const left = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1', [
      `${name}%`,
    ]);
    expect(left.rows).toEqual([{ datname: elsewhere }]);
    await expect(adminSession.query('SELECT 1')).rejects.toThrow();
    await provisioner.remove(name, 'drop');
    await provisioner.remove(name, 'retain');
  });

  it('removing a name that never existed is fine', async () => {
    const name = fresh();
    await provisioner.remove(name, 'drop');
    await provisioner.remove(name, 'retain');
  });

  it('refuses names that are not plain identifiers, and names of the server itself', async () => {
    for (const bad of ['Robert"; DROP ROLE postgres; --', 'UPPER', '1abc', '', `a${'b'.repeat(63)}`]) {
      await expect(provisioner.ensure({ name: bad, password: 'x' })).rejects.toBeInstanceOf(
        TenantDatabaseError,
      );
      await expect(provisioner.remove(bad, 'drop')).rejects.toBeInstanceOf(TenantDatabaseError);
    }
    for (const reserved of ['postgres', 'template1', 'pg_monitor']) {
      await expect(provisioner.remove(reserved, 'drop')).rejects.toThrow(/reserved/);
    }
    expect((await role('postgres')).rolsuper).toBe(true);
  });

  it('leaves alone a privileged role or a foreign database that happens to have the name', async () => {
    const name = fresh();
    scratchRoles.push(name);
    await admin.query(`CREATE ROLE "${name}" SUPERUSER`);
    await expect(provisioner.ensure({ name, password: 'pw-0123456789-0123456789' })).rejects.toThrow(
      /privileges a tenant role never has/,
    );
    await expect(provisioner.remove(name, 'drop')).rejects.toThrow(/privileges/);
    expect(await role(name)).toMatchObject({ rolsuper: true });
    await admin.query(`DROP ROLE "${name}"`);

    const taken = fresh();
    scratchDatabases.push(taken);
    await admin.query(`CREATE DATABASE "${taken}"`);
    await expect(provisioner.ensure({ name: taken, password: 'pw-0123456789-0123456789' })).rejects.toThrow(
      /belongs to another role/,
    );
    expect(await publicCanConnect(taken)).toBe(true);
  });

  it('no error carries the password, even when PostgreSQL refuses the statement', async () => {
    const weak = `wa_test_${randomBytes(6).toString('hex')}_admin`;
    scratchRoles.push(weak);
    await admin.query(`CREATE ROLE "${weak}" LOGIN`);
    const unprivileged = new PgTenantDatabaseProvisioner({ adminUrl: urlFor(weak, 'postgres'), logger });
    const refused = await unprivileged
      .ensure({ name: fresh(), password: 'the-secret-password-42' })
      .catch((e: unknown) => e);
    await unprivileged.close();
    expect(refused).toBeInstanceOf(TenantDatabaseError);
    expect((refused as TenantDatabaseError).code).toBe('42501');
    expect((refused as Error).message).toMatch(/create role/);
    expect(JSON.stringify(refused, Object.getOwnPropertyNames(refused))).not.toMatch(
      /the-secret-password-42|SCRAM|PASSWORD/,
    );

    const broken = new PgTenantDatabaseProvisioner({
      adminUrl: 'postgresql://postgres@127.0.0.1:1/postgres',
    });
    const unreachable = await broken
      .ensure({ name: fresh(), password: 'the-secret-password-42' })
      .catch((e: Error) => e);
    await broken.close();
    expect(unreachable).toBeInstanceOf(TenantDatabaseError);
    expect((unreachable as Error).message).not.toContain('the-secret-password-42');
  });
});
