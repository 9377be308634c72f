import { defineConfig } from 'vitest/config';

// The api suites run on the embedded database always, and on Postgres as well when
// TEST_DATABASE_URL is set, so both drivers are held to the same behaviour.
const postgres = process.env.TEST_DATABASE_URL;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'api-pglite',
          include: ['test/api/**/*.test.ts'],
          env: { HAKEN_TEST_DB: 'pglite' },
        },
      },
      ...(postgres
        ? [
            {
              test: {
                name: 'api-postgres',
                include: ['test/api/**/*.test.ts', 'test/pg/**/*.test.ts'],
                env: { HAKEN_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
