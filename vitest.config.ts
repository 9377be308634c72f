import { defineConfig } from 'vitest/config';

// The api suites run on the embedded database always, and on Postgres as well when
// TEST_DATABASE_URL is set, so both drivers are held to the same behaviour. The interop suite
// needs Debian's strict iCalendar validator, which .ci/run installs (HAKEN_INTEROP=1).
const postgres = process.env.TEST_DATABASE_URL;
const interop = process.env.HAKEN_INTEROP === '1';
// Browser tests drive Debian's Chromium, which .ci/run installs (HAKEN_BROWSER=1).
const browser = process.env.HAKEN_BROWSER === '1';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true as const, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true as const,
        test: {
          name: 'api-pglite',
          include: ['test/api/**/*.test.ts'],
          env: { HAKEN_TEST_DB: 'pglite' },
        },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'api-postgres',
                include: ['test/api/**/*.test.ts', 'test/pg/**/*.test.ts'],
                env: { HAKEN_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
      ...(interop
        ? [
            {
              extends: true as const,
              test: { name: 'interop', include: ['test/interop/**/*.test.ts'] },
            },
          ]
        : []),
      ...(browser
        ? [
            {
              extends: true as const,
              test: {
                name: 'browser',
                include: ['test/browser/**/*.test.ts'],
                testTimeout: 120_000,
                hookTimeout: 300_000,
              },
            },
          ]
        : []),
    ],
  },
});
