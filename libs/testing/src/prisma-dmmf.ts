import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';

/*
 * Prisma's own parse of a schema (the DMMF), straight from the schema parser the Prisma CLI
 * ships (`prisma/build/prisma_schema_build_bg.wasm`, the `get_dmmf` function of
 * prisma-schema-wasm). The `prisma` package exports no API for it, so this file instantiates the
 * wasm module with a minimal wasm-bindgen glue. Everything is checked: an import, a return
 * convention or a DMMF key this code does not know fails loudly (a Prisma upgrade lands here).
 */

const enumValue = z.strictObject({ name: z.string(), dbName: z.string().nullable() });

const dmmfEnum = z.strictObject({
  name: z.string(),
  values: z.array(enumValue),
  dbName: z.string().nullable(),
  documentation: z.string().optional(),
});

const defaultValue = z.union([
  z.strictObject({ name: z.string(), args: z.array(z.union([z.string(), z.number(), z.boolean()])) }),
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.unknown()),
]);

const referentialAction = z.enum(['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault']);

const dmmfField = z.strictObject({
  name: z.string(),
  dbName: z.string().nullable().optional(),
  kind: z.enum(['scalar', 'enum', 'object', 'unsupported']),
  isList: z.boolean(),
  isRequired: z.boolean(),
  isUnique: z.boolean(),
  isId: z.boolean(),
  isReadOnly: z.boolean(),
  hasDefaultValue: z.boolean(),
  type: z.string(),
  nativeType: z.tuple([z.string(), z.array(z.string())]).nullable(),
  default: defaultValue.optional(),
  isGenerated: z.boolean(),
  isUpdatedAt: z.boolean(),
  documentation: z.string().optional(),
  relationName: z.string().optional(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: referentialAction.optional(),
  relationOnUpdate: referentialAction.optional(),
});

const dmmfModel = z.strictObject({
  name: z.string(),
  dbName: z.string().nullable(),
  schema: z.null(),
  fields: z.array(dmmfField),
  primaryKey: z.strictObject({ name: z.string().nullable(), fields: z.array(z.string()) }).nullable(),
  uniqueFields: z.array(z.array(z.string())),
  uniqueIndexes: z.array(z.strictObject({ name: z.string().nullable(), fields: z.array(z.string()) })),
  isGenerated: z.boolean(),
  documentation: z.string().optional(),
});

/** Index options Prisma can put on PostgreSQL that change the database shape are all listed here. */
const dmmfIndex = z.strictObject({
  model: z.string(),
  type: z.enum(['id', 'unique', 'normal', 'fulltext']),
  isDefinedOnField: z.boolean(),
  name: z.string().optional(),
  dbName: z.string().optional(),
  algorithm: z.enum(['BTree', 'Hash', 'Gist', 'Gin', 'SpGist', 'Brin']).optional(),
  fields: z.array(z.strictObject({ name: z.string(), sortOrder: z.enum(['asc', 'desc']).optional() })),
});

const dmmfDatamodel = z.strictObject({
  enums: z.array(dmmfEnum),
  models: z.array(dmmfModel),
  types: z.array(z.unknown()).max(0, 'composite types are MongoDB-only'),
  indexes: z.array(dmmfIndex),
});

export type DmmfDatamodel = z.infer<typeof dmmfDatamodel>;
export type DmmfModel = z.infer<typeof dmmfModel>;
export type DmmfField = z.infer<typeof dmmfField>;
export type DmmfIndex = z.infer<typeof dmmfIndex>;
export type DmmfReferentialAction = z.infer<typeof referentialAction>;

/** The few WebAssembly APIs used here (the project's TypeScript libs do not include the DOM ones). */
interface WasmApi {
  Module: (new (bytes: Uint8Array) => object) & {
    imports(module: object): { module: string; name: string; kind: string }[];
  };
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

interface SchemaWasmExports {
  memory: { buffer: ArrayBuffer };
  __wbindgen_malloc(size: number, align: number): number;
  __wbindgen_free(ptr: number, size: number, align: number): void;
  __wbindgen_externrefs: {
    get(index: number): unknown;
    set(index: number, value: unknown): void;
    grow(by: number): number;
  };
  __externref_table_dealloc(index: number): void;
  __wbindgen_start(): void;
  get_dmmf(ptr: number, len: number): unknown;
}

let cached: SchemaWasmExports | undefined;
/** Set by the wasm's panic hook just before it traps. */
let wasmPanicMessage = '';

function schemaWasmPath(): string {
  const prismaPackage = createRequire(__filename).resolve('prisma/package.json');
  return join(dirname(prismaPackage), 'build', 'prisma_schema_build_bg.wasm');
}

function loadSchemaWasm(): SchemaWasmExports {
  if (cached) return cached;
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const path = schemaWasmPath();
  const module = new wasm.Module(readFileSync(path));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // The glue needs the instance's memory, and the instance needs the glue.
  const late: { exports?: SchemaWasmExports } = {};
  const live = (): SchemaWasmExports => {
    if (!late.exports) throw new Error('prisma-schema-wasm called back before it was instantiated');
    return late.exports;
  };
  const text = (ptr: number, len: number): string =>
    decoder.decode(new Uint8Array(live().memory.buffer, ptr >>> 0, len));
  const glue: [RegExp, (...args: number[]) => unknown][] = [
    [/^__wbg_set_message_[0-9a-f]+$/, (ptr = 0, len = 0) => void (wasmPanicMessage = text(ptr, len))],
    [/^__wbg_Error_[0-9a-f]+$/, (ptr = 0, len = 0) => new Error(text(ptr, len))],
    [
      /^__wbg___wbindgen_throw_[0-9a-f]+$/,
      (ptr = 0, len = 0) => {
        throw new Error(text(ptr, len));
      },
    ],
    [
      /^__wbindgen_init_externref_table$/,
      () => {
        const table = live().__wbindgen_externrefs;
        const offset = table.grow(4);
        table.set(0, undefined);
        [undefined, null, true, false].forEach((value, i) => table.set(offset + i, value));
      },
    ],
  ];
  const imports: Record<string, Record<string, unknown>> = {};
  for (const wanted of wasm.Module.imports(module)) {
    const match = glue.find(([pattern]) => pattern.test(wanted.name));
    if (!match || wanted.kind !== 'function') {
      throw new Error(
        `${basename(path)} needs import ${wanted.module}.${wanted.name}, which prisma-dmmf.ts does not provide`,
      );
    }
    (imports[wanted.module] ??= {})[wanted.name] = match[1];
  }
  const instance = new wasm.Instance(module, imports).exports as SchemaWasmExports;
  late.exports = instance;
  for (const name of ['get_dmmf', '__wbindgen_malloc', '__wbindgen_free', '__wbindgen_start'] as const) {
    if (typeof instance[name] !== 'function') throw new Error(`${basename(path)} does not export ${name}`);
  }
  instance.__wbindgen_start();
  cached = instance;
  return instance;
}

function callStringFunction(exports: SchemaWasmExports, input: string): string {
  const bytes = new TextEncoder().encode(input);
  const ptr = exports.__wbindgen_malloc(bytes.length, 1) >>> 0;
  new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
  let result: unknown;
  try {
    result = exports.get_dmmf(ptr, bytes.length);
  } catch (error) {
    throw new Error(`prisma-schema-wasm get_dmmf crashed: ${wasmPanicMessage || String(error)}`);
  }
  // wasm-bindgen's multi-value convention for Result<String, JsError>: [ptr, len, errorIndex, isError].
  if (!Array.isArray(result) || result.length !== 4 || !result.every((v) => typeof v === 'number')) {
    throw new Error(
      `prisma-schema-wasm get_dmmf returned ${JSON.stringify(result)}, not [ptr, len, err, isErr]`,
    );
  }
  const [outPtr, outLen, errorIndex, isError] = result as [number, number, number, number];
  if (isError) {
    const error = exports.__wbindgen_externrefs.get(errorIndex);
    exports.__externref_table_dealloc(errorIndex);
    throw error instanceof Error ? error : new Error(String(error));
  }
  const decoded = new TextDecoder('utf-8', { fatal: true }).decode(
    new Uint8Array(exports.memory.buffer, outPtr >>> 0, outLen),
  );
  exports.__wbindgen_free(outPtr, outLen, 1);
  return decoded;
}

/** Prisma's data model (DMMF) for a schema text, exactly as `prisma generate` sees it. Throws on an invalid schema. */
export function getPrismaDatamodel(schemaText: string, fileName = 'schema.prisma'): DmmfDatamodel {
  const exports = loadSchemaWasm();
  let json: string;
  try {
    json = callStringFunction(
      exports,
      JSON.stringify({ prismaSchema: [[fileName, schemaText]], noColor: true }),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Prisma rejected ${fileName}: ${message}`);
  }
  const parsed = dmmfDatamodel.safeParse((JSON.parse(json) as { datamodel?: unknown }).datamodel);
  if (!parsed.success) {
    throw new Error(
      `Prisma's DMMF has a shape prisma-dmmf.ts does not understand:\n${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}
