// Proves the migrations (prisma/migrations, applied by @bsp/db's runner) give exactly the database
// prisma/schema.prisma describes. It lives here rather than in libs/server/db because @bsp/testing
// already depends on @bsp/db (the global setup migrates the template), and the reverse import
// would be a project cycle that @nx/enforce-module-boundaries rejects.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { applyMigrations, type MigrationResult } from '@bsp/db';
import {
  type DatabaseShape,
  diffDatabaseShapes,
  expectedShapeFromSchema,
  expectedShapeFromSchemaFile,
  introspectDatabase,
  introspectDatabaseExtras,
  readSchemaTextFacts,
} from './schema-introspection';
import { createTestDatabase, type TestDatabase } from './test-database';

const ROOT = resolve(__dirname, '../../..');
const SCHEMA_PATH = join(ROOT, 'prisma/schema.prisma');
const MIGRATIONS_DIR = join(ROOT, 'prisma/migrations');

/** Constraints and triggers the schema language cannot express; they live in the migrations by hand. */
const HAND_WRITTEN_CHECKS = [
  { table: 'activation_leases', name: 'activation_leases_token_hash_check', columns: ['token_hash'] },
  { table: 'clusters', name: 'clusters_capacity_check', columns: ['capacity'] },
  { table: 'failovers', name: 'failovers_open_check', columns: ['number_id', 'open_number_id', 'state'] },
  {
    table: 'number_credentials',
    name: 'number_credentials_sealed_check',
    columns: ['db_password', 'encryption_secret', 'health_api_key', 'webapp_admin_password'],
  },
  { table: 'phone_numbers', name: 'phone_numbers_e164_check', columns: ['phone_number'] },
  { table: 'phone_numbers', name: 'phone_numbers_fencing_epoch_check', columns: ['fencing_epoch'] },
  { table: 'placements', name: 'placements_active_number_check', columns: ['active_number_id', 'number_id'] },
  { table: 'placements', name: 'placements_applied_hash_check', columns: ['applied_hash'] },
  { table: 'users', name: 'users_role_tenant_check', columns: ['role', 'tenant_id'] },
];
const HAND_WRITTEN_TRIGGERS = [
  { table: 'audit_events', name: 'audit_events_no_truncate' },
  { table: 'audit_events', name: 'audit_events_no_update_delete' },
  { table: 'number_health_transitions', name: 'number_health_transitions_no_truncate' },
  { table: 'number_health_transitions', name: 'number_health_transitions_no_update_delete' },
  { table: 'number_state_transitions', name: 'number_state_transitions_no_truncate' },
  { table: 'number_state_transitions', name: 'number_state_transitions_no_update_delete' },
];

function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/** A new empty database with every migration applied by our runner. */
async function migratedDatabase(): Promise<{ db: TestDatabase; client: Client; result: MigrationResult }> {
  const db = await createTestDatabase({ fromTemplate: false });
  const result = await applyMigrations({ databaseUrl: db.url, migrationsDir: MIGRATIONS_DIR });
  return { db, client: await connect(db.url), result };
}

describe('the migrated database matches prisma/schema.prisma', () => {
  let expected: DatabaseShape;
  let db: TestDatabase;
  let client: Client;
  let firstRun: MigrationResult;

  beforeAll(async () => {
    expected = expectedShapeFromSchemaFile(SCHEMA_PATH);
    ({ db, client, result: firstRun } = await migratedDatabase());
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('applies every migration once and records it in _prisma_migrations like prisma migrate deploy', async () => {
    const names = migrationNames();
    expect(names.length).toBeGreaterThan(0);
    expect(firstRun).toEqual({ applied: names, alreadyApplied: [] });

    const recorded = async () =>
      (
        await client.query<{
          migration_name: string;
          checksum: string;
          finished_at: Date | null;
          rolled_back_at: Date | null;
          applied_steps_count: number;
          logs: string | null;
        }>(
          `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs
           FROM "_prisma_migrations" ORDER BY migration_name`,
        )
      ).rows;
    const rows = await recorded();
    expect(rows).toEqual(
      names.map((name) => ({
        migration_name: name,
        checksum: sha256(join(MIGRATIONS_DIR, name, 'migration.sql')),
        finished_at: expect.any(Date),
        rolled_back_at: null,
        applied_steps_count: 1,
        logs: null,
      })),
    );

    const secondRun = await applyMigrations({ databaseUrl: db.url, migrationsDir: MIGRATIONS_DIR });
    expect(secondRun).toEqual({ applied: [], alreadyApplied: names });
    expect(await recorded()).toEqual(rows);
  });

  it('has exactly the enums, tables, columns, types, nullability, defaults, keys and indexes the schema implies', async () => {
    expect(Object.keys(expected.tables).length).toBeGreaterThan(0);
    expect(diffDatabaseShapes(expected, await introspectDatabase(client))).toEqual([]);
  });

  it('has the hand-written check constraints, and no other constraint Prisma would not create', async () => {
    const extras = await introspectDatabaseExtras(client);
    expect(
      extras.checks.map(({ table, name, columns, validated }) => ({ table, name, columns, validated })),
    ).toEqual(HAND_WRITTEN_CHECKS.map((check) => ({ ...check, validated: true })));
    expect(extras.triggers.map(({ table, name }) => ({ table, name }))).toEqual(HAND_WRITTEN_TRIGGERS);
    expect(extras.otherConstraints).toEqual([]);
    for (const check of HAND_WRITTEN_CHECKS) {
      expect(Object.keys(expected.tables[check.table]?.columns ?? {})).toEqual(
        expect.arrayContaining(check.columns),
      );
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "audit_events" ("actor_type", "action", "target_type") VALUES ('system', 'schema_drift.test', 'test')
       RETURNING "id"`,
    );
    const id = rows[0]!.id;
    const refused = { code: '42501', message: expect.stringMatching(/append-only/) };
    await expect(
      client.query(`UPDATE "audit_events" SET "action" = 'changed' WHERE "id" = $1`, [id]),
    ).rejects.toMatchObject(refused);
    await expect(client.query(`DELETE FROM "audit_events" WHERE "id" = $1`, [id])).rejects.toMatchObject(
      refused,
    );
    await expect(client.query(`TRUNCATE "audit_events"`)).rejects.toMatchObject(refused);
    const after = await client.query(`SELECT "action" FROM "audit_events" WHERE "id" = $1`, [id]);
    expect(after.rows).toEqual([{ action: 'schema_drift.test' }]);
  });
});

describe('drift detection', () => {
  it('reports exactly the changes made behind the schema’s back', async () => {
    const expected = expectedShapeFromSchemaFile(SCHEMA_PATH);
    const { db, client } = await migratedDatabase();
    try {
      expect(diffDatabaseShapes(expected, await introspectDatabase(client))).toEqual([]);

      // Targets come from the expected shape, so this keeps working as the schema grows.
      const tables = Object.entries(expected.tables);
      const [nullTable, nullColumn] = tables
        .flatMap(([table, shape]) =>
          Object.entries(shape.columns)
            .filter(([column, c]) => c.notNull && !shape.primaryKey?.columns.includes(column))
            .map(([column]) => [table, column] as const),
        )
        .at(0)!;
      const [indexTable, index] = tables
        .flatMap(([t, s]) => s.indexes.filter((i) => !i.unique).map((i) => [t, i] as const))
        .at(0)!;
      const [uniqueTable, unique] = tables
        .flatMap(([t, s]) => s.indexes.filter((i) => i.unique).map((i) => [t, i] as const))
        .at(0)!;
      const [fkTable, fk] = tables.flatMap(([t, s]) => s.foreignKeys.map((k) => [t, k] as const)).at(0)!;
      const [enumName, enumValues] = Object.entries(expected.enums).at(0)!;
      const newAction = fk.onDelete === 'CASCADE' ? 'SET NULL' : 'CASCADE';
      const cols = (columns: string[]): string => columns.map((c) => `"${c}"`).join(', ');

      await client.query(`ALTER TABLE "${nullTable}" ALTER COLUMN "${nullColumn}" DROP NOT NULL`);
      await client.query(`ALTER TABLE "${nullTable}" ADD COLUMN "drift_extra" integer`);
      await client.query(`DROP INDEX "${index.name}"`);
      await client.query(`ALTER INDEX "${unique.name}" RENAME TO "drift_renamed_key"`);
      await client.query(`ALTER TABLE "${fkTable}" DROP CONSTRAINT "${fk.name}"`);
      await client.query(
        `ALTER TABLE "${fkTable}" ADD CONSTRAINT "${fk.name}" FOREIGN KEY (${cols(fk.columns)})
         REFERENCES "${fk.referencedTable}" (${cols(fk.referencedColumns)}) ON DELETE ${newAction} ON UPDATE ${fk.onUpdate}`,
      );
      await client.query(`ALTER TYPE "${enumName}" ADD VALUE 'drift_value'`);

      const target = (columns: string[]): string => `${fk.referencedTable}(${columns.join(', ')})`;
      const fkText = (action: string): string =>
        `${fk.name} → ${target(fk.referencedColumns)} ON DELETE ${action} ON UPDATE ${fk.onUpdate}`;
      expect(diffDatabaseShapes(expected, await introspectDatabase(client))).toEqual(
        [
          `column ${nullTable}.${nullColumn}: expected NOT NULL, found nullable`,
          `column ${nullTable}.drift_extra: in the database but not in schema.prisma`,
          `enum ${enumName}: values expected (${enumValues.join(', ')}), found (${[...enumValues, 'drift_value'].join(', ')})`,
          `table ${indexTable}: index (${index.columns.join(', ')}) ${index.name} missing from the database`,
          `table ${uniqueTable}: unique index (${unique.columns.join(', ')}) expected ${unique.name}, found drift_renamed_key`,
          `table ${fkTable}: foreign key (${fk.columns.join(', ')}) expected ${fkText(fk.onDelete)}, found ${fkText(newAction)}`,
        ].sort(),
      );
    } finally {
      await client.end();
      await db.drop();
    }
  });
});

describe('the expected shape follows Prisma’s PostgreSQL conventions', () => {
  const schema = `
datasource db {
  provider = "postgresql"
}

enum Colour {
  red
  dark_green @map("green")

  @@map("colour")
}

model Owner {
  id        String   @id @default(uuid()) @db.Uuid
  handle    String   @unique @db.VarChar(63)
  colour    Colour   @default(dark_green)
  score     Int      @default(-1)
  ratio     Decimal  @default(1.50)
  active    Boolean  @default(true)
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)
  updatedAt DateTime @updatedAt @map("updated_at")
  tags      String[]
  pets      Pet[]

  @@map("owners")
}

model Pet {
  id                                   BigInt  @id @default(autoincrement())
  ownerId                              String? @map("owner_id") @db.Uuid
  hash                                 String  @db.Char(64)
  aVeryLongColumnNameThatNeedsCutting  Int     @map("a_very_long_column_name_that_needs_cutting")
  anotherVeryLongColumnNameToCutDownAs Int     @map("another_very_long_column_name_to_cut_down_as")
  owner                                Owner?  @relation(fields: [ownerId], references: [id], map: "pet_owner")

  @@unique([ownerId, hash])
  @@index([aVeryLongColumnNameThatNeedsCutting, anotherVeryLongColumnNameToCutDownAs])
  @@index([hash(sort: Desc)])
  @@index([ownerId], type: Hash)
}
`;

  it('maps types, nullability, defaults and names the way prisma migrate does', () => {
    const shape = expectedShapeFromSchema(schema);
    expect(shape.enums).toEqual({ colour: ['red', 'green'] });
    expect(shape.tables.owners).toEqual({
      columns: {
        id: { type: 'uuid', notNull: true, default: null },
        handle: { type: 'character varying(63)', notNull: true, default: null },
        colour: { type: 'enum colour', notNull: true, default: "'green'::colour" },
        score: { type: 'integer', notNull: true, default: '-1' },
        ratio: { type: 'numeric(65,30)', notNull: true, default: '1.5' },
        active: { type: 'boolean', notNull: true, default: 'true' },
        created_at: { type: 'timestamp(3) with time zone', notNull: true, default: 'CURRENT_TIMESTAMP' },
        updated_at: { type: 'timestamp(3) without time zone', notNull: true, default: null },
        tags: { type: 'text[]', notNull: false, default: null },
      },
      primaryKey: { name: 'owners_pkey', columns: ['id'] },
      indexes: [
        { name: 'owners_handle_key', columns: ['handle'], unique: true, method: 'btree', unusual: null },
      ],
      foreignKeys: [],
    });
    expect(shape.tables.Pet).toEqual({
      columns: {
        id: { type: 'bigint', notNull: true, default: 'nextval(\'"Pet_id_seq"\'::regclass)' },
        owner_id: { type: 'uuid', notNull: false, default: null },
        hash: { type: 'character(64)', notNull: true, default: null },
        a_very_long_column_name_that_needs_cutting: { type: 'integer', notNull: true, default: null },
        another_very_long_column_name_to_cut_down_as: { type: 'integer', notNull: true, default: null },
      },
      primaryKey: { name: 'Pet_pkey', columns: ['id'] },
      indexes: [
        {
          name: 'Pet_a_very_long_column_name_that_needs_cutting_another_very_idx',
          columns: [
            'a_very_long_column_name_that_needs_cutting',
            'another_very_long_column_name_to_cut_down_as',
          ],
          unique: false,
          method: 'btree',
          unusual: null,
        },
        { name: 'Pet_hash_idx', columns: ['hash DESC'], unique: false, method: 'btree', unusual: null },
        {
          name: 'Pet_owner_id_hash_key',
          columns: ['owner_id', 'hash'],
          unique: true,
          method: 'btree',
          unusual: null,
        },
        { name: 'Pet_owner_id_idx', columns: ['owner_id'], unique: false, method: 'hash', unusual: null },
      ],
      foreignKeys: [
        {
          name: 'pet_owner',
          columns: ['owner_id'],
          referencedTable: 'owners',
          referencedColumns: ['id'],
          onDelete: 'SET NULL',
          onUpdate: 'CASCADE',
        },
      ],
    });
  });

  it('fails loudly on what it does not model', () => {
    expect(() => expectedShapeFromSchema('model A {\n  id Int @id\n  x Strin\n}\n')).toThrow(
      /Prisma rejected/,
    );
    expect(() => readSchemaTextFacts('view V {\n  id Int @unique\n}\n')).toThrow(
      /view blocks are not handled/,
    );
    expect(() =>
      readSchemaTextFacts('datasource db {\n  provider = "postgresql"\n  relationMode = "prisma"\n}\n'),
    ).toThrow(/relationMode is not handled/);
    expect(() =>
      expectedShapeFromSchema(
        'datasource db {\n  provider = "postgresql"\n}\nmodel A {\n  id Int @id\n  ip String @db.Inet @default("x")\n}\n',
      ),
    ).toThrow(/string defaults on @db.Inet are not handled/);
  });
});
