import { defineConfig } from 'vitest/config';

// Unit tests need nothing; the end-to-end suite runs once per database engine: always on PGlite,
// and on PostgreSQL when TEST_DATABASE_URL names a server (CI sets it; see .ci/run).
const postgres = process.env.TEST_DATABASE_URL;

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'connectors/**/*.test.ts',
            'sandbox/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          exclude: ['**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'e2e-pglite',
          include: ['test/**/*.test.ts', 'connectors/**/*.e2e.test.ts'],
          // Tests of several processes sharing one server; PGlite is embedded in one process.
          exclude: ['test/postgres/**', 'test/browser/**', '**/node_modules/**'],
          env: { HUB_TEST_ENGINE: 'pglite' },
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
      // The dashboard in Debian's Chromium (skipped, saying so, where it is not installed), on the
      // same engines as the end-to-end suite.
      ...['pglite', ...(postgres ? ['postgres'] : [])].map((engine) => ({
        test: {
          name: `browser-${engine}`,
          include: ['test/browser/**/*.test.ts'],
          env: { HUB_TEST_ENGINE: engine },
          testTimeout: 120_000,
          hookTimeout: 90_000,
        },
      })),
      ...(postgres
        ? [
            {
              test: {
                name: 'e2e-postgres',
                include: ['test/**/*.test.ts', 'connectors/**/*.e2e.test.ts'],
                exclude: ['test/browser/**', '**/node_modules/**'],
                env: { HUB_TEST_ENGINE: 'postgres' },
                testTimeout: 90_000,
                hookTimeout: 90_000,
              },
            },
          ]
        : []),
    ],
  },
});
