import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { fiscalYearOf } from '../../domain/time.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { invalid } from '../../http/errors.ts';
import { bearer, commonErrors } from '../../http/schemas.ts';
import { usageReport } from './queries.ts';
import { FiscalYearInput, FormatInput, UsageSchema } from './schema.ts';
import { attachment, usageTable } from './tables.ts';
import { csvResponse, wantsCsv } from './utilisation.ts';

const MAX_YEARS = 50;
// The certification system came into force in FY2018 (2018-09-25).
const FIRST_YEAR = 2018;

const route = createRoute({
  method: 'get',
  path: '/v1/reports/usage',
  tags: ['reports'],
  summary: 'Visits per fiscal year, years without visits included (staff)',
  security: bearer('staff', 'viewer'),
  request: {
    query: z.strictObject({
      from: FiscalYearInput.optional().openapi({
        description: `First fiscal year; default ${FIRST_YEAR}, or ${MAX_YEARS - 1} years before \`to\` if later`,
        example: 2019,
      }),
      to: FiscalYearInput.optional().openapi({
        description: 'Last fiscal year (inclusive); default: the current one',
        example: 2026,
      }),
      format: FormatInput,
    }),
  },
  responses: {
    200: {
      description: 'Visits per fiscal year; text/csv (UTF-8 with BOM) on request',
      content: {
        'application/json': { schema: UsageSchema },
        'text/csv': { schema: z.string() },
      },
    },
    ...commonErrors,
  },
});

export function registerUsage(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    requireRole(c, 'staff', 'viewer');
    const { db, clock } = c.get('deps');
    const query = c.req.valid('query');
    const to = query.to ?? Math.max(fiscalYearOf(clock()), query.from ?? FIRST_YEAR);
    const from = query.from ?? Math.max(FIRST_YEAR, to - MAX_YEARS + 1);
    if (from > to) throw invalid('from', `must not be after to (${from} > ${to})`);
    if (to - from + 1 > MAX_YEARS) {
      throw invalid('to', `the range may span at most ${MAX_YEARS} fiscal years`);
    }
    const report = await usageReport(db, from, to);
    c.header('Cache-Control', 'private, no-cache');
    c.header('Vary', 'Accept');
    if (!wantsCsv(c, query.format)) return c.json(report, 200);
    return csvResponse(
      c,
      usageTable(report),
      attachment(`haken-usage-${from}-${to}.csv`, `派遣回数_年度別_${from}-${to}.csv`),
    );
  });
}
