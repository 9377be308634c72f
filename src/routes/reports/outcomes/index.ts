import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { fiscalYearLabel, fiscalYearOf } from '../../../domain/time.ts';
import { requireRole } from '../../../http/auth.ts';
import type { AppEnv } from '../../../http/context.ts';
import { bearer, commonErrors } from '../../../http/schemas.ts';
import { FiscalYearInput, FormatInput } from '../schema.ts';
import { attachment } from '../tables.ts';
import { csvResponse, wantsCsv } from '../utilisation.ts';
import { outcomeReport } from './queries.ts';
import { OutcomeSchema, outcomeTables } from './schema.ts';
import { outcomeTable, outcomeTableTitle } from './tables.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/reports/outcomes',
  tags: ['reports'],
  summary:
    'Outcomes of one fiscal year: surveys, readiness before and after, certifications, by industry (staff)',
  security: bearer('staff', 'viewer'),
  request: {
    query: z.strictObject({
      fiscalYear: FiscalYearInput.optional().openapi({
        description: 'The fiscal year (年度) N, April N to March N+1; default: the current one',
        example: 2021,
      }),
      format: FormatInput,
      breakdown: z
        .enum(outcomeTables)
        .default('summary')
        .openapi({ description: 'Which table the CSV holds' }),
    }),
  },
  responses: {
    200: {
      description: 'The report; text/csv (UTF-8 with BOM) for one table',
      content: {
        'application/json': { schema: OutcomeSchema },
        'text/csv': { schema: z.string() },
      },
    },
    ...commonErrors,
  },
});

export function registerOutcomeReport(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    requireRole(c, 'staff', 'viewer');
    const { db, clock } = c.get('deps');
    const query = c.req.valid('query');
    const fy = query.fiscalYear ?? fiscalYearOf(clock());
    const report = await outcomeReport(db, fy);
    c.header('Cache-Control', 'private, no-cache');
    c.header('Vary', 'Accept');
    if (!wantsCsv(c, query.format)) return c.json(report, 200);
    return csvResponse(
      c,
      outcomeTable(report, query.breakdown),
      attachment(
        `haken-outcomes-${fy}-${query.breakdown}.csv`,
        `${fiscalYearLabel(fy)}_成果_${outcomeTableTitle(query.breakdown)}.csv`,
      ),
    );
  });
}
