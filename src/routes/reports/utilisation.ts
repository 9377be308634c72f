import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import { toCsv } from '../../domain/report.ts';
import { fiscalYearLabel, fiscalYearOf } from '../../domain/time.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { bearer, commonErrors } from '../../http/schemas.ts';
import { companyVisits, utilisationReport } from './queries.ts';
import { breakdowns, FiscalYearInput, FormatInput, UtilisationSchema } from './schema.ts';
import { attachment, breakdownTable, breakdownTitle, companyTable, type Table } from './tables.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/reports/utilisation',
  tags: ['reports'],
  summary: 'Visits and utilisation of one fiscal year, as JSON or one breakdown as CSV (staff)',
  security: bearer('staff', 'viewer'),
  request: {
    query: z.strictObject({
      fiscalYear: FiscalYearInput.optional().openapi({
        description: 'The fiscal year (年度) N, April N to March N+1; default: the current one',
        example: 2021,
      }),
      format: FormatInput,
      breakdown: z
        .enum(breakdowns)
        .default('month')
        .openapi({ description: 'Which breakdown the CSV holds; `company` is CSV only' }),
    }),
  },
  responses: {
    200: {
      description: 'The report; text/csv (UTF-8 with BOM) for one breakdown',
      content: {
        'application/json': { schema: UtilisationSchema },
        'text/csv': { schema: z.string() },
      },
    },
    ...commonErrors,
  },
});

export function registerUtilisation(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    requireRole(c, 'staff', 'viewer');
    const { db, clock } = c.get('deps');
    const query = c.req.valid('query');
    const fy = query.fiscalYear ?? fiscalYearOf(clock());
    c.header('Cache-Control', 'private, no-cache');
    c.header('Vary', 'Accept');
    if (!wantsCsv(c, query.format)) return c.json(await utilisationReport(db, fy), 200);

    const table: Table =
      query.breakdown === 'company'
        ? companyTable(await companyVisits(db, fy))
        : breakdownTable(await utilisationReport(db, fy), query.breakdown);
    return csvResponse(
      c,
      table,
      attachment(
        `haken-utilisation-${fy}-${query.breakdown}.csv`,
        `${fiscalYearLabel(fy)}_派遣実績_${breakdownTitle(query.breakdown)}.csv`,
      ),
    );
  });
}

/** `format` wins; without it the Accept header decides, JSON by default. */
export function wantsCsv(c: Context<AppEnv>, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  const type = accepts(c, {
    header: 'Accept',
    supports: ['application/json', 'text/csv'],
    default: 'application/json',
  });
  return type === 'text/csv';
}

export function csvResponse(c: Context<AppEnv>, table: Table, disposition: string) {
  return c.body(toCsv(table.header, table.rows), 200, {
    'Content-Type': 'text/csv; charset=utf-8; header=present',
    'Content-Disposition': disposition,
  });
}
