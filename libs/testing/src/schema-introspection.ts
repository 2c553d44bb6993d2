import { readFileSync } from 'node:fs';
import { type Client } from 'pg';
import {
  type DmmfDatamodel,
  type DmmfField,
  type DmmfModel,
  type DmmfReferentialAction,
  getPrismaDatamodel,
} from './prisma-dmmf';

/*
 * The database shape Prisma would create for schema.prisma (derived from Prisma's own parse of
 * it) and the shape a PostgreSQL database actually has (from pg_catalog), in one comparable form,
 * plus a readable diff. Objects the schema language cannot express (check constraints, triggers)
 * are introspected separately, so tests can allow them by name.
 */

export interface ColumnShape {
  /** `format_type()` spelling, e.g. `character varying(63)`, `timestamp(3) with time zone`; `enum <name>` for enums; `[]` for arrays. */
  type: string;
  notNull: boolean;
  /** `pg_get_expr()` spelling (numbers normalised), or null when the column has no database default. */
  default: string | null;
}

export interface IndexShape {
  name: string;
  /** Column names in key order, `<column> DESC` for descending ones. */
  columns: string[];
  unique: boolean;
  /** Access method: btree, hash, gin, gist, spgist, brin. */
  method: string;
  /** Anything Prisma never creates (partial index, expressions, INCLUDE columns), as text; null normally. */
  unusual: string | null;
}

export type ReferentialAction = 'CASCADE' | 'RESTRICT' | 'NO ACTION' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKeyShape {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: { name: string; columns: string[] } | null;
  /** Unique and plain indexes (the primary key's index is not repeated here). */
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}

export interface DatabaseShape {
  /** Enum type name → labels in declaration order. */
  enums: Record<string, string[]>;
  tables: Record<string, TableShape>;
  /** Views, sequences not owned by a column, and other relations Prisma would not create. */
  otherRelations: string[];
}

export interface CheckConstraintShape {
  table: string;
  name: string;
  columns: string[];
  definition: string;
  validated: boolean;
}

export interface TriggerShape {
  table: string;
  name: string;
  definition: string;
}

/** What schema.prisma cannot say: allowed in the database, but checked on their own. */
export interface DatabaseExtras {
  checks: CheckConstraintShape[];
  triggers: TriggerShape[];
  /** Other constraints Prisma never creates (exclusion, constraint triggers), as `<table>.<name> (<type>)`. */
  otherConstraints: string[];
}

const PRISMA_MIGRATIONS_TABLE = '_prisma_migrations';
const PG_MAX_IDENTIFIER_BYTES = 63;

// ---------------------------------------------------------------------------------------------
// Expected shape, from schema.prisma
// ---------------------------------------------------------------------------------------------

/** The shape `prisma migrate` would give a PostgreSQL database for this schema file. */
export function expectedShapeFromSchemaFile(schemaPath: string): DatabaseShape {
  const text = readFileSync(schemaPath, 'utf8');
  return expectedShapeFromSchema(text);
}

export function expectedShapeFromSchema(schemaText: string): DatabaseShape {
  const facts = readSchemaTextFacts(schemaText);
  const datamodel = getPrismaDatamodel(schemaText);
  return new ExpectedShapeBuilder(datamodel, facts).build();
}

class ExpectedShapeBuilder {
  private readonly models: Map<string, DmmfModel>;
  private readonly enumTypeNames: Map<string, string>;
  private readonly enumDbValues: Map<string, Map<string, string>>;

  constructor(
    private readonly datamodel: DmmfDatamodel,
    private readonly facts: SchemaTextFacts,
  ) {
    this.models = new Map(datamodel.models.map((m) => [m.name, m]));
    this.enumTypeNames = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
    this.enumDbValues = new Map(
      datamodel.enums.map((e) => [e.name, new Map(e.values.map((v) => [v.name, v.dbName ?? v.name]))]),
    );
  }

  build(): DatabaseShape {
    const enums: Record<string, string[]> = {};
    for (const e of this.datamodel.enums) enums[e.dbName ?? e.name] = e.values.map((v) => v.dbName ?? v.name);

    const tables: Record<string, TableShape> = {};
    for (const model of this.datamodel.models) {
      const table = tableName(model);
      const columns: Record<string, ColumnShape> = {};
      for (const field of model.fields) {
        if (field.kind === 'object') continue;
        if (field.kind === 'unsupported') fail(model, field, 'Unsupported("...") fields are not handled');
        columns[columnName(field)] = {
          type: this.columnType(model, field),
          notNull: field.isRequired && !field.isList,
          default: this.columnDefault(model, field),
        };
      }
      tables[table] = { columns, primaryKey: null, indexes: [], foreignKeys: this.foreignKeys(model) };
    }

    for (const index of this.datamodel.indexes) {
      const model = this.model(index.model);
      const table = tables[tableName(model)]!;
      const columns = index.fields.map((f) => this.columnOf(model, f.name));
      const keyColumns = index.fields.map((f, i) =>
        f.sortOrder === 'desc' ? `${columns[i]!} DESC` : columns[i]!,
      );
      switch (index.type) {
        case 'id':
          if (table.primaryKey) throw new Error(`model ${model.name} has two primary keys in the DMMF`);
          table.primaryKey = { name: index.dbName ?? constraintName(tableName(model), [], '_pkey'), columns };
          break;
        case 'unique':
        case 'normal': {
          const unique = index.type === 'unique';
          table.indexes.push({
            name: index.dbName ?? constraintName(tableName(model), columns, unique ? '_key' : '_idx'),
            columns: keyColumns,
            unique,
            method: (index.algorithm ?? 'BTree').toLowerCase(),
            unusual: null,
          });
          break;
        }
        case 'fulltext':
          throw new Error(`model ${model.name}: @@fulltext is MySQL/MongoDB only`);
      }
    }
    for (const table of Object.values(tables))
      table.indexes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { enums, tables, otherRelations: [] };
  }

  private model(name: string): DmmfModel {
    const model = this.models.get(name);
    if (!model) throw new Error(`the DMMF names a model ${name} it does not define`);
    return model;
  }

  private columnOf(model: DmmfModel, fieldName: string): string {
    const field = model.fields.find((f) => f.name === fieldName);
    if (!field || field.kind === 'object')
      throw new Error(`model ${model.name} has no scalar field ${fieldName}`);
    return columnName(field);
  }

  private columnType(model: DmmfModel, field: DmmfField): string {
    let base: string;
    if (field.kind === 'enum') {
      const name = this.enumTypeNames.get(field.type);
      if (!name) fail(model, field, `unknown enum ${field.type}`);
      base = `enum ${name}`;
    } else if (field.nativeType) {
      base = nativeTypeSql(model, field, field.nativeType[0], field.nativeType[1]);
    } else {
      const scalar = DEFAULT_SCALAR_TYPES[field.type];
      if (!scalar) fail(model, field, `scalar type ${field.type} has no known PostgreSQL default type`);
      base = scalar;
    }
    return field.isList ? `${base}[]` : base;
  }

  private columnDefault(model: DmmfModel, field: DmmfField): string | null {
    const value = field.default;
    if (value === undefined) return null;
    if (Array.isArray(value)) fail(model, field, 'defaults for scalar lists are not handled');
    if (typeof value === 'object') {
      switch (value.name) {
        case 'now':
          return 'CURRENT_TIMESTAMP';
        // Generated by the Prisma client, not the database.
        case 'uuid':
        case 'cuid':
        case 'nanoid':
        case 'ulid':
          return null;
        case 'autoincrement': {
          const sequence = `${tableName(model)}_${columnName(field)}_seq`;
          if (Buffer.byteLength(sequence) > PG_MAX_IDENTIFIER_BYTES)
            fail(model, field, 'serial sequence name would be truncated');
          return `nextval('${quoteIdentifierIfNeeded(sequence)}'::regclass)`;
        }
        case 'dbgenerated': {
          const [expression] = value.args;
          if (typeof expression !== 'string')
            fail(model, field, 'dbgenerated() without an expression is not handled');
          return normaliseDefault(expression);
        }
        default:
          fail(model, field, `@default(${value.name}()) is not handled`);
      }
    }
    if (field.kind === 'enum') {
      const dbValue = this.enumDbValues.get(field.type)?.get(String(value));
      if (dbValue === undefined)
        fail(model, field, `default ${String(value)} is not a value of ${field.type}`);
      return `${sqlString(dbValue)}::${quoteIdentifierIfNeeded(this.enumTypeNames.get(field.type)!)}`;
    }
    switch (field.type) {
      case 'Int':
      case 'BigInt':
      case 'Float':
      case 'Decimal':
        return normaliseDefault(String(value));
      case 'Boolean':
        if (typeof value !== 'boolean') fail(model, field, `boolean default ${String(value)}`);
        return String(value);
      case 'String': {
        const cast = STRING_DEFAULT_CASTS[field.nativeType?.[0] ?? 'Text'];
        if (!cast) fail(model, field, `string defaults on @db.${field.nativeType?.[0]} are not handled`);
        return `${sqlString(String(value))}::${cast}`;
      }
      case 'Json':
        return `${sqlString(String(value))}::${field.nativeType?.[0] === 'Json' ? 'json' : 'jsonb'}`;
      default:
        fail(model, field, `literal defaults for ${field.type} are not handled`);
    }
  }

  private foreignKeys(model: DmmfModel): ForeignKeyShape[] {
    const keys: ForeignKeyShape[] = [];
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = this.model(field.type);
      const columns = field.relationFromFields.map((name) => this.columnOf(model, name));
      const fromFields = field.relationFromFields.map((name) => model.fields.find((f) => f.name === name)!);
      // Prisma's defaults: Restrict when the relation is required, SetNull when optional; Cascade on update.
      const onDelete =
        field.relationOnDelete ?? (fromFields.every((f) => f.isRequired) ? 'Restrict' : 'SetNull');
      keys.push({
        name:
          this.facts.relationConstraintNames.get(`${model.name}.${field.name}`) ??
          constraintName(tableName(model), columns, '_fkey'),
        columns,
        referencedTable: tableName(target),
        referencedColumns: (field.relationToFields ?? []).map((name) => this.columnOf(target, name)),
        onDelete: REFERENTIAL_ACTIONS[onDelete],
        onUpdate: REFERENTIAL_ACTIONS[field.relationOnUpdate ?? 'Cascade'],
      });
    }
    return keys;
  }
}

const DEFAULT_SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

const STRING_DEFAULT_CASTS: Record<string, string> = {
  Text: 'text',
  VarChar: 'character varying',
  Char: 'bpchar',
};

const REFERENTIAL_ACTIONS: Record<DmmfReferentialAction, ReferentialAction> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

/** `@db.X(args)` → the type as PostgreSQL's format_type() prints it. */
function nativeTypeSql(model: DmmfModel, field: DmmfField, name: string, args: string[]): string {
  const n = (): string => {
    if (args.length !== 1 || !/^\d+$/.test(args[0]!))
      fail(model, field, `@db.${name} expects one length argument`);
    return args[0]!;
  };
  const optional = (sql: string, suffix = ''): string => {
    if (args.length === 0) return `${sql}${suffix}`;
    return `${sql}(${n()})${suffix}`;
  };
  const none = (sql: string): string => {
    if (args.length !== 0) fail(model, field, `@db.${name} takes no arguments`);
    return sql;
  };
  switch (name) {
    case 'Text':
      return none('text');
    case 'VarChar':
      return optional('character varying');
    case 'Char':
      return args.length === 0 ? 'character(1)' : `character(${n()})`;
    case 'Uuid':
      return none('uuid');
    case 'Inet':
      return none('inet');
    case 'Citext':
      return none('citext');
    case 'Xml':
      return none('xml');
    case 'Bit':
      return args.length === 0 ? 'bit(1)' : `bit(${n()})`;
    case 'VarBit':
      return optional('bit varying');
    case 'Boolean':
      return none('boolean');
    case 'SmallInt':
      return none('smallint');
    case 'Integer':
      return none('integer');
    case 'BigInt':
      return none('bigint');
    case 'Oid':
      return none('oid');
    case 'Real':
      return none('real');
    case 'DoublePrecision':
      return none('double precision');
    case 'Money':
      return none('money');
    case 'Decimal':
      if (args.length === 0) return 'numeric';
      if (args.length !== 2 || !args.every((a) => /^\d+$/.test(a)))
        fail(model, field, '@db.Decimal expects (precision, scale)');
      return `numeric(${args[0]},${args[1]})`;
    case 'Timestamp':
      return optional('timestamp', ' without time zone');
    case 'Timestamptz':
      return optional('timestamp', ' with time zone');
    case 'Time':
      return optional('time', ' without time zone');
    case 'Timetz':
      return optional('time', ' with time zone');
    case 'Date':
      return none('date');
    case 'Json':
      return none('json');
    case 'JsonB':
      return none('jsonb');
    case 'ByteA':
      return none('bytea');
    default:
      fail(model, field, `native type @db.${name} is not handled by schema-introspection.ts`);
  }
}

function tableName(model: DmmfModel): string {
  return model.dbName ?? model.name;
}

function columnName(field: DmmfField): string {
  return field.dbName ?? field.name;
}

/** Prisma's default constraint names (`ConstraintNames` in prisma-engines), truncated like Prisma does for PostgreSQL. */
function constraintName(
  table: string,
  columns: string[],
  suffix: '_pkey' | '_key' | '_idx' | '_fkey',
): string {
  const prefix = columns.length === 0 ? table : `${table}_${columns.join('_')}`;
  return `${truncateBytes(prefix, PG_MAX_IDENTIFIER_BYTES - suffix.length)}${suffix}`;
}

function truncateBytes(value: string, maxBytes: number): string {
  let out = value;
  while (Buffer.byteLength(out) > maxBytes) out = out.slice(0, -1);
  return out;
}

function quoteIdentifierIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `'-1'::integer` and `-1` are the same default; so are `1.50` and `1.5`. */
function normaliseDefault(expression: string): string {
  const cast = /^'(-?[0-9.eE+-]+)'::(?:smallint|integer|bigint|numeric|real|double precision)$/.exec(
    expression,
  );
  const literal = cast ? cast[1]! : expression;
  if (/^-?\d+$/.test(literal)) return BigInt(literal).toString();
  if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(literal)) return String(Number(literal));
  return expression;
}

function fail(model: DmmfModel, field: DmmfField, reason: string): never {
  throw new Error(
    `schema.prisma ${model.name}.${field.name}: ${reason} (extend libs/testing/src/schema-introspection.ts)`,
  );
}

// ---------------------------------------------------------------------------------------------
// What the DMMF leaves out, read from the schema text by a small, strict parser
// ---------------------------------------------------------------------------------------------

export interface SchemaTextFacts {
  /** `Model.field` → `@relation(map: "...")`: the foreign key name, which the DMMF does not carry. */
  relationConstraintNames: Map<string, string>;
}

/**
 * Reads the facts the DMMF omits and refuses schema features this module does not model
 * (views, composite types, `relationMode`, multiple database schemas, non-PostgreSQL providers).
 */
export function readSchemaTextFacts(schemaText: string): SchemaTextFacts {
  const lines = stripComments(schemaText).split('\n');
  const relationConstraintNames = new Map<string, string>();
  let block: { kind: string; name: string } | null = null;
  let relationsSeen = 0;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `schema.prisma line ${i + 1}`;
    if (line === '') return;
    if (!block) {
      const start = /^(model|enum|generator|datasource|view|type)\s+([A-Za-z_]\w*)\s*\{$/.exec(line);
      if (!start) throw new Error(`${where}: expected a block start, found: ${line}`);
      if (start[1] === 'view' || start[1] === 'type')
        throw new Error(`${where}: ${start[1]} blocks are not handled`);
      block = { kind: start[1]!, name: start[2]! };
      return;
    }
    if (line === '}') {
      block = null;
      return;
    }
    if (line.includes('{') || line.includes('}'))
      throw new Error(`${where}: unexpected brace in ${block.kind} ${block.name}`);
    if (block.kind === 'datasource') {
      const setting = /^(\w+)\s*=\s*(.+)$/.exec(line);
      if (!setting) throw new Error(`${where}: cannot read datasource setting: ${line}`);
      const [, key, value] = setting;
      if (key === 'provider' && value !== '"postgresql"')
        throw new Error(`${where}: provider ${value} is not handled`);
      if (key === 'relationMode' || key === 'schemas')
        throw new Error(`${where}: datasource ${key} is not handled`);
      return;
    }
    if (!line.includes('@relation')) return;
    if (block.kind !== 'model') throw new Error(`${where}: @relation outside a model`);
    const field = /^([A-Za-z_]\w*)\s/.exec(line);
    if (!field) throw new Error(`${where}: cannot read the field name: ${line}`);
    const occurrences = line.split('@relation').length - 1;
    if (occurrences !== 1) throw new Error(`${where}: expected one @relation, found ${occurrences}`);
    relationsSeen += 1;
    const start = line.indexOf('@relation') + '@relation'.length;
    if (line[start] !== '(') return;
    for (const argument of splitArguments(line, start, where)) {
      if (!/^map\b/.test(argument)) continue;
      const map = /^map\s*:\s*"([^"\\]+)"$/.exec(argument);
      if (!map) throw new Error(`${where}: cannot read @relation argument: ${argument}`);
      relationConstraintNames.set(`${block.name}.${field[1]!}`, map[1]!);
    }
  });
  if (block) throw new Error(`schema.prisma: block ${(block as { name: string }).name} is not closed`);
  const total = stripComments(schemaText).split('@relation').length - 1;
  if (total !== relationsSeen)
    throw new Error(`schema.prisma: read ${relationsSeen} of ${total} @relation attributes`);
  return { relationConstraintNames };
}

/** The top-level arguments of the parenthesised list starting at `open` (strings and brackets respected). */
function splitArguments(line: string, open: number, where: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  let inString = false;
  for (let i = open; i < line.length; i++) {
    const c = line[i]!;
    if (inString) {
      current += c;
      if (c === '\\') current += line[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === '(' || c === '[') {
      depth += 1;
      if (depth === 1) continue;
    }
    if (c === ')' || c === ']') {
      depth -= 1;
      if (depth === 0) {
        if (current.trim() !== '') args.push(current.trim());
        return args;
      }
    }
    if (c === ',' && depth === 1) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  throw new Error(`${where}: unbalanced parentheses`);
}

/** Removes `//` comments (including `///` documentation), leaving string literals and line numbers intact. */
function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"' || c === '\n') inString = false;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      if (i < text.length) out += '\n';
      continue;
    }
    if (c === '"') inString = true;
    out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Actual shape, from pg_catalog
// ---------------------------------------------------------------------------------------------

interface ColumnRow {
  table_name: string;
  column_name: string;
  formatted_type: string;
  type_kind: string;
  type_name: string;
  element_kind: string | null;
  element_name: string | null;
  not_null: boolean;
  default_expr: string | null;
  identity: string;
  generated: string;
}

interface IndexRow {
  table_name: string;
  index_name: string;
  is_unique: boolean;
  is_primary: boolean;
  method: string;
  columns: string[];
  descending: boolean[];
  key_count: number;
  column_count: number;
  predicate: string | null;
  has_expressions: boolean;
}

interface ForeignKeyRow {
  table_name: string;
  name: string;
  columns: string[];
  referenced_table: string;
  referenced_columns: string[];
  on_delete: string;
  on_update: string;
  match_type: string;
  deferrable: boolean;
}

const ACTION_CODES: Record<string, ReferentialAction> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/** The shape of the tables, enums and indexes in the connection's current schema (`_prisma_migrations` left out). */
export async function introspectDatabase(client: Client): Promise<DatabaseShape> {
  const shape: DatabaseShape = { enums: {}, tables: {}, otherRelations: [] };

  const enums = await client.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE n.nspname = current_schema()
    GROUP BY t.typname`);
  for (const row of enums.rows) shape.enums[row.name] = row.labels;

  const columns = await client.query<ColumnRow>(
    `
    SELECT c.relname AS table_name, a.attname AS column_name,
           format_type(a.atttypid, a.atttypmod) AS formatted_type,
           t.typtype AS type_kind, t.typname AS type_name,
           et.typtype AS element_kind, et.typname AS element_name,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_expr,
           a.attidentity AS identity, a.attgenerated AS generated
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relname <> $1
    ORDER BY c.relname, a.attnum`,
    [PRISMA_MIGRATIONS_TABLE],
  );
  for (const row of columns.rows) {
    const table = (shape.tables[row.table_name] ??= {
      columns: {},
      primaryKey: null,
      indexes: [],
      foreignKeys: [],
    });
    let type = row.formatted_type;
    if (row.type_kind === 'e') type = `enum ${row.type_name}`;
    else if (row.element_kind === 'e') type = `enum ${row.element_name!}[]`;
    let defaultExpr = row.default_expr === null ? null : normaliseDefault(row.default_expr);
    if (row.identity !== '')
      defaultExpr = `GENERATED ${row.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
    if (row.generated !== '') defaultExpr = `GENERATED ALWAYS AS (${row.default_expr ?? ''}) STORED`;
    table.columns[row.column_name] = { type, notNull: row.not_null, default: defaultExpr };
  }

  const indexes = await client.query<IndexRow>(
    `
    SELECT ct.relname AS table_name, ci.relname AS index_name, i.indisunique AS is_unique,
           i.indisprimary AS is_primary, am.amname AS method,
           array(SELECT coalesce(a.attname::text, '<expression>')
                 FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                 ORDER BY k.ord) AS columns,
           array(SELECT (o & 1) = 1 FROM unnest(i.indoption::int2[]) WITH ORDINALITY k(o, ord) ORDER BY k.ord) AS descending,
           i.indnkeyatts AS key_count, i.indnatts AS column_count,
           pg_get_expr(i.indpred, i.indrelid) AS predicate, i.indexprs IS NOT NULL AS has_expressions
    FROM pg_index i
    JOIN pg_class ci ON ci.oid = i.indexrelid
    JOIN pg_class ct ON ct.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = ct.relnamespace
    JOIN pg_am am ON am.oid = ci.relam
    WHERE n.nspname = current_schema() AND ct.relname <> $1
    ORDER BY ct.relname, ci.relname`,
    [PRISMA_MIGRATIONS_TABLE],
  );
  for (const row of indexes.rows) {
    const table = shape.tables[row.table_name];
    if (!table) continue;
    const keyColumns = row.columns.slice(0, row.key_count);
    const unusual = [
      row.predicate === null ? null : `WHERE ${row.predicate}`,
      row.has_expressions ? 'expression columns' : null,
      row.column_count > row.key_count ? `INCLUDE (${row.columns.slice(row.key_count).join(', ')})` : null,
    ].filter((part): part is string => part !== null);
    if (row.is_primary && unusual.length === 0 && row.method === 'btree' && !row.descending.some(Boolean)) {
      table.primaryKey = { name: row.index_name, columns: keyColumns };
      continue;
    }
    table.indexes.push({
      name: row.index_name,
      columns: keyColumns.map((c, i) => (row.descending[i] ? `${c} DESC` : c)),
      unique: row.is_unique,
      method: row.is_primary ? `${row.method} primary key` : row.method,
      unusual: unusual.length > 0 ? unusual.join('; ') : null,
    });
  }

  const foreignKeys = await client.query<ForeignKeyRow>(`
    SELECT cl.relname AS table_name, con.conname AS name,
           array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
           rc.relname AS referenced_table,
           array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS referenced_columns,
           con.confdeltype AS on_delete, con.confupdtype AS on_update, con.confmatchtype AS match_type,
           con.condeferrable AS deferrable
    FROM pg_constraint con
    JOIN pg_class cl ON cl.oid = con.conrelid
    JOIN pg_class rc ON rc.oid = con.confrelid
    JOIN pg_namespace n ON n.oid = cl.relnamespace
    WHERE con.contype = 'f' AND n.nspname = current_schema()
    ORDER BY cl.relname, con.conname`);
  for (const row of foreignKeys.rows) {
    const table = shape.tables[row.table_name];
    if (!table) continue;
    const odd = row.match_type !== 's' || row.deferrable ? ' (MATCH FULL or DEFERRABLE)' : '';
    table.foreignKeys.push({
      name: row.name + odd,
      columns: row.columns,
      referencedTable: row.referenced_table,
      referencedColumns: row.referenced_columns,
      onDelete: ACTION_CODES[row.on_delete]!,
      onUpdate: ACTION_CODES[row.on_update]!,
    });
  }

  // Sequences owned by a column (serial) belong to it; anything else is not Prisma's.
  const others = await client.query<{ kind: string; name: string }>(`
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                          WHEN 'f' THEN 'foreign table' ELSE 'relation kind ' || c.relkind::text END AS kind,
           c.relname AS name
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm', 'S', 'f', 'c')
      AND NOT EXISTS (SELECT 1 FROM pg_depend dep
                      WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
                        AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i'))
    ORDER BY c.relname`);
  shape.otherRelations = others.rows.map((row) => `${row.kind} ${row.name}`);
  return shape;
}

/** Check constraints, user triggers and other constraints Prisma does not create, for separate checks. */
export async function introspectDatabaseExtras(client: Client): Promise<DatabaseExtras> {
  const checks = await client.query<{
    table_name: string;
    name: string;
    columns: string[];
    definition: string;
    validated: boolean;
  }>(`
    SELECT cl.relname AS table_name, con.conname AS name,
           array(SELECT a.attname::text FROM unnest(con.conkey) k(attnum)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY a.attname) AS columns,
           pg_get_constraintdef(con.oid) AS definition, con.convalidated AS validated
    FROM pg_constraint con
    JOIN pg_class cl ON cl.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = cl.relnamespace
    WHERE con.contype = 'c' AND n.nspname = current_schema()
    ORDER BY cl.relname, con.conname`);
  const triggers = await client.query<{ table_name: string; name: string; definition: string }>(`
    SELECT cl.relname AS table_name, t.tgname AS name, pg_get_triggerdef(t.oid) AS definition
    FROM pg_trigger t
    JOIN pg_class cl ON cl.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = cl.relnamespace
    WHERE NOT t.tgisinternal AND n.nspname = current_schema()
    ORDER BY cl.relname, t.tgname`);
  const others = await client.query<{ description: string }>(`
    SELECT cl.relname || '.' || con.conname || ' (' || con.contype::text || ')' AS description
    FROM pg_constraint con
    JOIN pg_class cl ON cl.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = cl.relnamespace
    WHERE con.contype NOT IN ('c', 'f', 'p', 'u') AND n.nspname = current_schema()
    ORDER BY 1`);
  return {
    checks: checks.rows.map((row) => ({
      table: row.table_name,
      name: row.name,
      columns: row.columns,
      definition: row.definition,
      validated: row.validated,
    })),
    triggers: triggers.rows.map((row) => ({
      table: row.table_name,
      name: row.name,
      definition: row.definition,
    })),
    otherConstraints: others.rows.map((row) => row.description),
  };
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

/**
 * Every difference between the shape schema.prisma implies and the database's, one readable line
 * each, sorted; empty when they match. Indexes are matched by kind and column list, foreign keys by
 * column list, so a wrong name reads as a wrong name rather than as one missing and one extra.
 */
export function diffDatabaseShapes(expected: DatabaseShape, actual: DatabaseShape): string[] {
  const out: string[] = [];
  const list = (values: string[]): string => `(${values.join(', ')})`;

  for (const name of union(Object.keys(expected.enums), Object.keys(actual.enums))) {
    const want = expected.enums[name];
    const have = actual.enums[name];
    if (!have) out.push(`enum ${name}: missing from the database`);
    else if (!want) out.push(`enum ${name}: in the database but not in schema.prisma`);
    else if (want.join('\u0000') !== have.join('\u0000')) {
      out.push(`enum ${name}: values expected ${list(want)}, found ${list(have)}`);
    }
  }

  for (const name of union(Object.keys(expected.tables), Object.keys(actual.tables))) {
    const want = expected.tables[name];
    const have = actual.tables[name];
    if (!have) out.push(`table ${name}: missing from the database`);
    else if (!want) out.push(`table ${name}: in the database but not in schema.prisma`);
    else diffTable(name, want, have, out);
  }

  for (const relation of actual.otherRelations) {
    if (!expected.otherRelations.includes(relation))
      out.push(`${relation}: in the database but not in schema.prisma`);
  }
  for (const relation of expected.otherRelations) {
    if (!actual.otherRelations.includes(relation)) out.push(`${relation}: missing from the database`);
  }
  return out.sort();
}

function diffTable(table: string, want: TableShape, have: TableShape, out: string[]): void {
  const list = (values: string[]): string => `(${values.join(', ')})`;
  for (const column of union(Object.keys(want.columns), Object.keys(have.columns))) {
    const w = want.columns[column];
    const h = have.columns[column];
    const where = `column ${table}.${column}`;
    if (!h) out.push(`${where}: missing from the database`);
    else if (!w) out.push(`${where}: in the database but not in schema.prisma`);
    else {
      if (w.type !== h.type) out.push(`${where}: type expected ${w.type}, found ${h.type}`);
      if (w.notNull !== h.notNull) {
        out.push(
          `${where}: expected ${w.notNull ? 'NOT NULL' : 'nullable'}, found ${h.notNull ? 'NOT NULL' : 'nullable'}`,
        );
      }
      if (w.default !== h.default)
        out.push(`${where}: default expected ${w.default ?? 'none'}, found ${h.default ?? 'none'}`);
    }
  }

  const wantPk = want.primaryKey ? `${want.primaryKey.name} ${list(want.primaryKey.columns)}` : 'none';
  const havePk = have.primaryKey ? `${have.primaryKey.name} ${list(have.primaryKey.columns)}` : 'none';
  if (wantPk !== havePk) out.push(`table ${table}: primary key expected ${wantPk}, found ${havePk}`);

  const indexKey = (i: IndexShape): string =>
    `${i.unique ? 'unique index' : 'index'} ${list(i.columns)}${i.method === 'btree' ? '' : ` using ${i.method}`}`;
  const wantIndexes = groupBy(want.indexes, indexKey);
  const haveIndexes = groupBy(have.indexes, indexKey);
  for (const key of union([...wantIndexes.keys()], [...haveIndexes.keys()])) {
    const w = wantIndexes.get(key) ?? [];
    const h = haveIndexes.get(key) ?? [];
    const wantNames = w.map((i) => i.name + (i.unusual ? ` [${i.unusual}]` : '')).sort();
    const haveNames = h.map((i) => i.name + (i.unusual ? ` [${i.unusual}]` : '')).sort();
    if (h.length === 0) out.push(`table ${table}: ${key} ${wantNames.join(', ')} missing from the database`);
    else if (w.length === 0)
      out.push(`table ${table}: ${key} ${haveNames.join(', ')} in the database but not in schema.prisma`);
    else if (wantNames.join() !== haveNames.join()) {
      out.push(`table ${table}: ${key} expected ${wantNames.join(', ')}, found ${haveNames.join(', ')}`);
    }
  }

  const fkKey = (k: ForeignKeyShape): string => `foreign key ${list(k.columns)}`;
  const describeFk = (k: ForeignKeyShape): string =>
    `${k.name} → ${k.referencedTable}${list(k.referencedColumns)} ON DELETE ${k.onDelete} ON UPDATE ${k.onUpdate}`;
  const wantKeys = groupBy(want.foreignKeys, fkKey);
  const haveKeys = groupBy(have.foreignKeys, fkKey);
  for (const key of union([...wantKeys.keys()], [...haveKeys.keys()])) {
    const w = (wantKeys.get(key) ?? []).map(describeFk).sort();
    const h = (haveKeys.get(key) ?? []).map(describeFk).sort();
    if (h.length === 0) out.push(`table ${table}: ${key} ${w.join('; ')} missing from the database`);
    else if (w.length === 0)
      out.push(`table ${table}: ${key} ${h.join('; ')} in the database but not in schema.prisma`);
    else if (w.join() !== h.join())
      out.push(`table ${table}: ${key} expected ${w.join('; ')}, found ${h.join('; ')}`);
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
