/**
 * Each number gets its own role and database on the tenant PostgreSQL server, so one client's
 * data never shares a login with another's.
 */
export interface TenantDatabaseSpec {
  /** Role and database name, e.g. `wa_<number id hex>`: lower-case letters, digits and _, ≤ 63 bytes. */
  name: string;
  /** The role's password (from the number's sealed credentials). Never logged. */
  password: string;
}

export type TenantDatabaseDeletePolicy = 'retain' | 'drop';

export interface TenantDatabaseProvisioner {
  /**
   * Creates the role (LOGIN, CREATEDB — the WhatsApp client creates its own prefixed databases —
   * no superuser, no CREATEROLE) and the database it owns, or brings existing ones to that shape
   * and the given password. Idempotent and safe to run concurrently for the same name.
   */
  ensure(spec: TenantDatabaseSpec): Promise<void>;
  /**
   * `drop`: terminates the role's sessions, drops every database it owns and the role.
   * `retain`: keeps the databases, disables the role's login and revokes its password.
   * Idempotent: a name that no longer exists is fine.
   */
  remove(name: string, policy: TenantDatabaseDeletePolicy): Promise<void>;
  close(): Promise<void>;
}
