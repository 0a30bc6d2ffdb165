import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // vitest's summary, then one plain closing line CI can read (test/support/closing-line.ts).
    reporters: ['default', './test/support/closing-line.ts'],
    projects: [
      {
        // Pure billing rules: no database, no Temporal.
        test: { name: 'unit', include: ['test/billing/**/*.test.ts'] },
      },
      {
        // The console's own logic (formatting, permissions, components) in happy-dom: no server.
        plugins: [react()],
        test: {
          name: 'console',
          include: ['console/src/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['console/src/test-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/billing/**'],
          // The Temporal native bridge crashes under worker threads: one process per test file.
          pool: 'forks',
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Browser tests poll what a page shows; on a loaded 2-core machine a page and its lazy
          // chunk can take longer than expect.poll's default second to appear.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
