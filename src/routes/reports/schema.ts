import { z } from '@hono/zod-openapi';
import { FISCAL_YEARS } from '../../domain/time.ts';
import { Instant } from '../../http/schemas.ts';

export const breakdowns = [
  'month',
  'industry',
  'prefecture',
  'expert',
  'topic',
  'format',
  'company',
] as const;
export type Breakdown = (typeof breakdowns)[number];

const between = `must be between ${FISCAL_YEARS.first} and ${FISCAL_YEARS.last}`;

export const FiscalYearInput = z.coerce
  .number()
  .int('must be a whole year')
  .min(FISCAL_YEARS.first, between)
  .max(FISCAL_YEARS.last, between);

export const FormatInput = z
  .enum(['json', 'csv'])
  .optional()
  .openapi({ description: 'Overrides the Accept header: `csv` answers text/csv' });

const Localized = z.object({ ja: z.string(), en: z.string() });
const count = z.number().int();

export const UtilisationSchema = z
  .object({
    fiscalYear: z.number().int(),
    label: z.string().openapi({ example: '令和3年度' }),
    period: z.object({ start: Instant, end: Instant }),
    visits: count.openapi({ description: '延べ派遣回数: completed sessions starting in the FY' }),
    uniqueCompanies: count,
    smeVisits: count,
    smeShare: z.number().nullable().openapi({ description: 'smeVisits ÷ visits; null if none' }),
    scheduled: count.openapi({ description: 'Confirmed sessions in the FY not yet reported' }),
    cancelled: count,
    noShows: count,
    leadTimeDays: z
      .number()
      .nullable()
      .openapi({ description: 'Median days from application to visit, one decimal' }),
    byMonth: z.array(z.object({ month: z.string(), visits: count })),
    byIndustry: z.array(z.object({ code: z.string(), name: Localized, visits: count })),
    byPrefecture: z.array(z.object({ code: z.string(), name: Localized, visits: count })),
    byExpert: z.array(
      z.object({
        expertId: z.uuid(),
        name: z.string(),
        visits: count,
        hours: z.number().openapi({ description: 'Booked: confirmed and completed sessions' }),
        availableHours: z.number(),
        utilisation: z.number().nullable().openapi({ description: 'hours ÷ availableHours' }),
      }),
    ),
    byTopic: z.array(z.object({ code: z.string(), name: Localized, visits: count })),
    byFormat: z.array(
      z.object({ format: z.enum(['onsite', 'online']), name: Localized, visits: count }),
    ),
  })
  .openapi('UtilisationReport');

export type UtilisationReport = z.infer<typeof UtilisationSchema>;

export const UsageSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    years: z.array(z.object({ fiscalYear: z.number().int(), label: z.string(), visits: count })),
  })
  .openapi('UsageReport');

export type UsageReport = z.infer<typeof UsageSchema>;
