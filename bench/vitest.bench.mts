// Benchmarks that need the whole product in one process (Nest apps need SWC's decorator metadata,
// and @bsp/testing is ESM-only through Vitest): run them with this config, never with `npm test`.
//
//   npx vitest run --config bench/vitest.bench.mts bench/failover
import { defineConfig, mergeConfig } from 'vitest/config';
import root from '../vitest.config.mts';

export default mergeConfig(
  { plugins: root.plugins, resolve: root.resolve },
  defineConfig({
    test: {
      globals: true,
      pool: 'forks',
      include: ['bench/**/*.bench-run.ts'],
      globalSetup: ['libs/testing/src/global-setup.ts'],
      setupFiles: ['tools/testing/register-apps.ts'],
      testTimeout: 3_600_000,
      hookTimeout: 600_000,
    },
  }),
);
