import { z } from '@hono/zod-openapi';
import { Instant } from '../../http/schemas.ts';
import { FiscalYearInput } from '../reports/schema.ts';

/** A fiscal year (年度) in a path: `/v1/fees/2021`. */
export const FiscalYearParam = z.object({
  fiscalYear: FiscalYearInput.openapi({ param: { name: 'fiscalYear', in: 'path' }, example: 2021 }),
});

const yen = z.number().int('must be whole yen').min(0).max(100_000_000);
const basisPoints = z
  .number()
  .int('must be whole basis points')
  .min(0)
  .max(10_000)
  .openapi({ description: '1 bp = 0.01 %: 1021 is 10.21 %' });

const rateFields = {
  hourlyRateYen: yen.openapi({ description: 'Fee an hour, consumption tax included' }),
  unitMinutes: z
    .number()
    .int()
    .min(1)
    .max(480)
    .openapi({ description: 'Billing unit: whole units of the actual duration are paid' }),
  dailyCapYen: yen.openapi({ description: 'Most one expert is paid in fees on one Tokyo day' }),
  withholdingBp: basisPoints,
  withholdingAboveBp: basisPoints,
  withholdingThresholdYen: yen.openapi({
    description: 'Fees of a payment above this are withheld at withholdingAboveBp',
  }),
  withholdTravel: z
    .boolean()
    .openapi({ description: 'Whether travel is withheld on too (not when paid at cost)' }),
  dailyAllowanceYen: yen,
  lodgingCapYen: yen,
  travelEstimateYen: yen.openapi({
    description: 'Travel the budget sets aside per booked on-site visit until it is claimed',
  }),
};

export const FeeRatesInput = z.strictObject(rateFields).openapi('FeeRatesInput');

export const FeeRatesSchema = z
  .object({
    fiscalYear: z.number().int(),
    label: z.string().openapi({ example: '令和3年度' }),
    ...rateFields,
    isDefault: z.boolean().openapi({ description: 'Nobody has set this year: the defaults' }),
    frozen: z
      .boolean()
      .openapi({ description: 'A payment of this year has been exported: the rates stay' }),
    updatedAt: Instant.nullable(),
  })
  .openapi('FeeRates');

export type FeeRatesBody = z.infer<typeof FeeRatesSchema>;
