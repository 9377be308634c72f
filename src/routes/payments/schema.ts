import { z } from '@hono/zod-openapi';
import { FISCAL_YEARS, isLocalDate } from '../../domain/time.ts';
import { Instant } from '../../http/schemas.ts';

export const MonthInput = z.coerce
  .number()
  .int('must be a whole month')
  .min(1, 'must be a month 1–12')
  .max(12, 'must be a month 1–12')
  .openapi({
    description: 'Calendar month of the fiscal year: 4 is April of FY N, 1 January of N+1',
    example: 6,
  });

/** 'YYYY-MM' of month `month` (1–12) of fiscal year `fy`. */
export function monthOf(fiscalYear: number, month: number): string {
  const year = month >= 4 ? fiscalYear : fiscalYear + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

const yen = z.number().int();
const itemStatus = z.enum(['waiting', 'payable', 'paid']);

export const PaymentExportSchema = z
  .object({
    id: z.uuid(),
    month: z.string(),
    sequence: z.number().int().openapi({ description: 'The 1st, 2nd … export of the month' }),
    transferDate: z.string().openapi({ description: '取組日, YYYY-MM-DD' }),
    transfers: z.number().int(),
    totalYen: yen,
    sha256: z.string().nullable().openapi({ description: 'Of the 全銀 file; null: no transfer' }),
    createdAt: Instant,
  })
  .openapi('PaymentExport');

const VisitLine = z.object({
  sessionId: z.uuid(),
  requestId: z.uuid(),
  companyName: z.string(),
  format: z.enum(['onsite', 'online']),
  start: Instant,
  end: Instant,
  actualStart: Instant.nullable(),
  actualEnd: Instant.nullable(),
  attendance: z.enum(['confirmed', 'disputed']).nullable(),
  attendanceComment: z.string().nullable(),
  fee: z.object({
    status: itemStatus,
    waiting: z.enum(['not-completed', 'awaiting-confirmation', 'disputed']).optional(),
    units: z.number().int().nullable(),
    feeYen: yen.nullable().openapi({ description: 'Paid, or due within the day’s cap' }),
  }),
  travel: z
    .object({ claimId: z.uuid(), status: itemStatus, amountYen: yen })
    .nullable()
    .openapi({ description: 'The visit’s travel claim, if any' }),
});

const Amounts = z.object({
  billableHours: z.number(),
  feeYen: yen,
  travelYen: yen,
  withholdingYen: yen,
  netYen: yen,
  paidNetYen: yen.openapi({ description: 'Transferred by earlier exports' }),
  dueNetYen: yen.openapi({ description: 'What an export now would transfer' }),
});

export const PaymentReportSchema = z
  .object({
    fiscalYear: z.number().int(),
    label: z.string(),
    month: z.string().openapi({ example: '2021-06' }),
    ratesFrozen: z.boolean(),
    experts: z.array(
      Amounts.extend({
        expertId: z.uuid(),
        name: z.string(),
        feeExempt: z.boolean(),
        hasBankAccount: z.boolean(),
        confirmedVisits: z.number().int().openapi({ description: 'Visits paid or payable' }),
        visits: z.array(VisitLine),
      }),
    ),
    totals: Amounts.extend({ confirmedVisits: z.number().int() }),
    waiting: z.object({
      awaitingConfirmation: z.number().int(),
      disputed: z.number().int(),
      undecidedClaims: z.number().int(),
    }),
    exports: z.array(PaymentExportSchema),
  })
  .openapi('PaymentReport');

export type PaymentReport = z.infer<typeof PaymentReportSchema>;

export const ExportInput = z
  .strictObject({
    fiscalYear: z.number().int().min(FISCAL_YEARS.first).max(FISCAL_YEARS.last),
    month: z.number().int().min(1, 'must be a month 1–12').max(12, 'must be a month 1–12'),
    transferDate: z.string().refine(isLocalDate, 'must be a date YYYY-MM-DD').optional().openapi({
      description: '取組日: the day the bank transfers; default the second bank day after today',
    }),
  })
  .openapi('PaymentExportInput');
