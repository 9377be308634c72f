import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { transaction } from '../../db/transaction.ts';
import { toCsv } from '../../domain/report.ts';
import { fiscalYearLabel } from '../../domain/time.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { FiscalYearInput } from '../reports/schema.ts';
import { attachment } from '../reports/tables.ts';
import { exportMonth } from './export.ts';
import { exportsOf, paymentReport, paymentReportJson, presentExport } from './report.ts';
import {
  ExportInput,
  MonthInput,
  monthOf,
  PaymentExportSchema,
  PaymentReportSchema,
} from './schema.ts';
import { paymentTable } from './table.ts';

const reportRoute = createRoute({
  method: 'get',
  path: '/v1/reports/payments',
  tags: ['money'],
  summary:
    'A month’s payments per expert (謝金・旅費・源泉徴収): JSON, CSV, or the exported 全銀 file (staff)',
  security: bearer('staff'),
  request: {
    query: z.strictObject({
      fiscalYear: FiscalYearInput.openapi({ example: 2021 }),
      month: MonthInput,
      format: z.enum(['json', 'csv', 'zengin']).default('json').openapi({
        description: '`zengin`: the 全銀 総合振込 file of an export (Shift_JIS, 120-byte records)',
      }),
      export: z.coerce.number().int().min(1).optional().openapi({
        description: 'With format=zengin: which export of the month (1, 2, …); default the last',
      }),
    }),
  },
  responses: {
    200: {
      description: 'The report; text/csv (UTF-8 with BOM); the 全銀 file as text/plain Shift_JIS',
      content: {
        'application/json': { schema: PaymentReportSchema },
        'text/csv': { schema: z.string() },
        'text/plain': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    ...commonErrors,
  },
});

const exportRoute = createRoute({
  method: 'post',
  path: '/v1/payments/exports',
  tags: ['money'],
  summary:
    'Export a month: pays what is payable and not yet paid, in one 全銀 file; again, the same export (staff)',
  security: bearer('staff'),
  request: {
    body: jsonBody(ExportInput),
  },
  responses: {
    201: jsonResponse('A new export: the visits in it are paid', PaymentExportSchema),
    200: jsonResponse('Nothing new was payable: the month’s last export', PaymentExportSchema),
    ...commonErrors,
    409: problemResponse('nothing-to-pay, or bank-account-missing (errors name the experts)'),
    501: problemResponse('not-available: no bank directory or office bank details here'),
  },
});

export function registerPayments(app: OpenAPIHono<AppEnv>) {
  app.openapi(reportRoute, async (c) => {
    requireRole(c, 'staff');
    const { db } = c.get('deps');
    const query = c.req.valid('query');
    const month = monthOf(query.fiscalYear, query.month);
    c.header('Cache-Control', 'private, no-cache');
    if (query.format === 'zengin') {
      const exports = await exportsOf(db, month);
      const chosen =
        query.export === undefined
          ? exports.at(-1)
          : exports.find((e) => e.sequence === query.export);
      if (!chosen?.file) {
        throw new ApiError(
          'not-found',
          chosen
            ? `Export ${chosen.sequence} of ${month} transferred nothing: it has no 全銀 file`
            : `No export of ${month}${query.export ? ` numbered ${query.export}` : ''} yet: POST /v1/payments/exports`,
        );
      }
      return c.body(new Uint8Array(chosen.file), 200, {
        'Content-Type': 'text/plain; charset=Shift_JIS',
        'Content-Disposition': attachment(
          `zengin-${month}-${chosen.sequence}.txt`,
          `総合振込_${month}_${chosen.sequence}.txt`,
        ),
      });
    }
    if (query.format === 'json') {
      return c.body(await paymentReportJson(db, query.fiscalYear, month), 200, {
        'Content-Type': 'application/json',
      });
    }
    const table = paymentTable(await paymentReport(db, query.fiscalYear, month));
    return c.body(toCsv(table.header, table.rows), 200, {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': attachment(
        `haken-payments-${month}.csv`,
        `${fiscalYearLabel(query.fiscalYear)}_支払_${month}.csv`,
      ),
    });
  });

  app.openapi(exportRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock, config } = c.get('deps');
    const input = c.req.valid('json');
    const month = monthOf(input.fiscalYear, input.month);
    const { row, created } = await transaction(db, (tx) =>
      exportMonth(
        tx,
        { fiscalYear: input.fiscalYear, month, transferDate: input.transferDate },
        { now: clock(), config, actor: actorOf(principal) },
      ),
    );
    return created ? c.json(presentExport(row), 201) : c.json(presentExport(row), 200);
  });
}
