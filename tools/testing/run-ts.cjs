/**
 * Runs a TypeScript entry point straight from source in a child process, the way the tests' own
 * transform does: SWC with decorator metadata (NestJS injection needs it; tsx/esbuild does not emit
 * it) and the `@bsp/*` aliases of tsconfig.base.json. For e2e tests that need real separate
 * processes (several workers, a worker killed with SIGKILL) without a prior `npm run build`.
 *
 *   node tools/testing/run-ts.cjs apps/worker/src/main.ts
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../..');
const { paths } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const aliases = new Map(Object.entries(paths).map(([name, [target]]) => [name, path.join(root, target)]));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = aliases.get(request);
  try {
    return resolveFilename.call(this, alias ?? request, parent, ...rest);
  } catch (error) {
    // Generated code imports its TypeScript siblings as `./x.js` (ESM style).
    if (request.startsWith('.') && request.endsWith('.js')) {
      return resolveFilename.call(this, `${request.slice(0, -3)}.ts`, parent, ...rest);
    }
    throw error;
  }
};

require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
  });
  module._compile(code, filename);
};

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node tools/testing/run-ts.cjs <file.ts> [args...]\n');
  process.exit(2);
}
process.argv.splice(1, 1);
require(path.resolve(entry));
