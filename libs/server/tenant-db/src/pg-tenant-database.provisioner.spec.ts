import { vi } from 'vitest';

/** A pg whose server quotes the whole statement back in every error, as some proxies do. */
const pg = vi.hoisted(() => {
  const statements: string[] = [];
  const released: unknown[] = [];
  const client = {
    query: (sql: string) => {
      statements.push(sql);
      if (/^(CREATE|ALTER) ROLE/.test(sql)) {
        const error = Object.assign(new Error(`syntax error in: ${sql}`), { code: '42601', detail: sql });
        return Promise.reject(error);
      }
      return Promise.resolve({ rows: [], rowCount: 0 });
    },
    release: (destroy?: unknown) => void released.push(destroy),
  };
  class Pool {
    on() {}
    connect() {
      return Promise.resolve(client);
    }
    end() {
      return Promise.resolve();
    }
  }
  return { statements, released, Pool, Client: class {} };
});
vi.mock('pg', () => ({ Pool: pg.Pool, Client: pg.Client }));

import { PgTenantDatabaseProvisioner, TenantDatabaseError } from './pg-tenant-database.provisioner';

describe('PgTenantDatabaseProvisioner errors', () => {
  it('carry the step and SQLSTATE, never the statement, the verifier or the password', async () => {
    const warnings: unknown[] = [];
    const provisioner = new PgTenantDatabaseProvisioner({
      adminUrl: 'postgresql://admin@db/postgres',
      logger: { log: () => undefined, warn: (...args: unknown[]) => void warnings.push(args) },
    });
    const error = await provisioner
      .ensure({ name: 'wa_abc', password: 'plaintext-secret-42' })
      .catch((e: unknown) => e);

    expect(pg.statements.some((s) => s.includes('SCRAM-SHA-256$4096:'))).toBe(true);
    expect(pg.statements.join('\n')).not.toContain('plaintext-secret-42');
    expect(error).toBeInstanceOf(TenantDatabaseError);
    expect(error).toMatchObject({ code: '42601', message: expect.stringContaining('create role') });
    const everything = JSON.stringify([error, warnings], (_k, v: unknown) =>
      v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v,
    );
    expect(everything).not.toMatch(/plaintext-secret-42|SCRAM|PASSWORD|CREATE ROLE/);
    // The failed session is destroyed rather than pooled: it may still hold the advisory lock.
    expect(pg.released).toEqual([true]);
    await provisioner.close();
  });
});
