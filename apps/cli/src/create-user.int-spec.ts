import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { UsersService } from '@bsp/domain-users';
import {
  applyTestEnvironment,
  createTestDatabase,
  deleteRedisPrefix,
  type TestDatabase,
  uniqueName,
} from '@bsp/testing';
import { CliModule } from './cli.module';
import { createUser, parseCreateUserArgs, UsageError } from './create-user.command';

describe('cli create-user', () => {
  let db: TestDatabase;
  let prefix: string;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = uniqueName('bsptest');
    applyTestEnvironment({ databaseUrl: db.url, redisPrefix: prefix });
    app = await NestFactory.createApplicationContext(CliModule, { logger: false });
  });

  afterAll(async () => {
    await app.close();
    await deleteRedisPrefix(prefix);
    await db.drop();
  });

  it('creates a staff user with a hashed password and an audit event from the system', async () => {
    const line = await createUser(
      app.get(UsersService),
      parseCreateUserArgs(['--email', 'Ops@BSP.test', '--role', 'operator']),
      'a-long-enough-password',
    );
    expect(line).toMatch(/^created user [0-9a-f-]{36} \(ops@bsp\.test, operator\)$/);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const { rows } = await pg.query('SELECT email, role, password_hash FROM users');
    const audit = await pg.query('SELECT actor_type, actor_label, action, after FROM audit_events');
    await pg.end();
    expect(rows).toEqual([
      {
        email: 'ops@bsp.test',
        role: 'operator',
        password_hash: expect.stringMatching(/^\$scrypt\$ln=12,r=8,p=1\$/),
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain('a-long-enough-password');
    expect(audit.rows).toEqual([
      expect.objectContaining({ actor_type: 'system', actor_label: 'cli', action: 'user.create' }),
    ]);
  });

  it('refuses a tenant role without a tenant, naming the field', async () => {
    await expect(
      createUser(
        app.get(UsersService),
        parseCreateUserArgs(['--email', 'v@bsp.test', '--role', 'tenant_viewer']),
        'a-long-enough-password',
      ),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      options: { errors: [expect.objectContaining({ field: 'tenantId' })] },
    });
  });

  it('explains its usage for missing or unknown arguments', () => {
    expect(() => parseCreateUserArgs(['--email', 'x@bsp.test'])).toThrow(UsageError);
    expect(() => parseCreateUserArgs(['--email', 'x@bsp.test', '--role', 'root'])).toThrow(
      /unknown role root/,
    );
    expect(() => parseCreateUserArgs(['--bogus'])).toThrow();
  });
});
