import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
const repo = resolve(root, '../..');

// The dev server proxies the API so the page and the API share one origin, as in production.
const apiTarget = process.env.DASHBOARD_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: { '@bsp/contracts': resolve(repo, 'libs/shared/contracts/src/index.ts') },
  },
  server: {
    port: 4200,
    strictPort: true,
    proxy: { '/v1': { target: apiTarget, changeOrigin: false } },
  },
  build: {
    outDir: resolve(repo, 'dist/apps/dashboard'),
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    // The polyfill is for browsers without modulepreload; every browser we support has it.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 400,
  },
});
