import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDashboard, initialLoadSize } from './support/dashboard-build';

const BUDGET_GZIP_BYTES = 250 * 1000;

describe('dashboard production bundle', () => {
  it(`loads at most ${BUDGET_GZIP_BYTES / 1000} kB of gzipped JavaScript before the first view`, async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'dashboard-build-'));
    try {
      await buildDashboard(outDir);
      const size = initialLoadSize(outDir);
      for (const f of size.files)
        console.log(
          `  ${f.file}: ${(f.bytes / 1000).toFixed(1)} kB, ${(f.gzip / 1000).toFixed(1)} kB gzipped`,
        );
      console.log(
        `initial JavaScript: ${(size.jsGzip / 1000).toFixed(1)} kB gzipped (${(size.jsBytes / 1000).toFixed(1)} kB raw), ` +
          `CSS ${(size.cssGzip / 1000).toFixed(1)} kB gzipped; budget ${BUDGET_GZIP_BYTES / 1000} kB`,
      );
      expect(size.jsGzip).toBeGreaterThan(10_000);
      expect(size.jsGzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
