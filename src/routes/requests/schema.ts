import { z } from '@hono/zod-openapi';
import { MAX_DURATION_MINUTES } from '../../domain/booking.ts';
import { isValidCorporateNumber } from '../../domain/corporate-number.ts';
import { requestStatuses } from '../../domain/request-lifecycle.ts';
import { isIndustryCode, isTopic, prefecture, topicCodes } from '../../domain/taxonomy.ts';
import { Instant, InstantInput, multiLine, singleLine } from '../../http/schemas.ts';
import { ReadinessLevelsInput } from '../readiness/schema.ts';
import { SessionSchema } from '../sessions/schema.ts';

const CompanyInput = z.strictObject({
  name: singleLine(200).min(1),
  corporateNumber: z
    .string()
    .refine(
      isValidCorporateNumber,
      'is not a valid 法人番号 (13 digits with a correct check digit)',
    )
    .optional(),
  industryCode: z
    .string()
    .refine(
      isIndustryCode,
      'is not a JSIC Rev.14 division or middle-group code (see /v1/taxonomy)',
    ),
  prefectureCode: z
    .string()
    .refine((code) => prefecture(code) !== undefined, 'is not a prefecture code 01–47'),
  employees: z.number().int().min(0).max(10_000_000),
  capitalYen: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  address: singleLine(300)
    .min(1)
    .optional()
    .openapi({ description: 'Where an on-site visit goes; the prefecture alone when absent' }),
});

const ContactInput = z.strictObject({
  name: singleLine(100).min(1),
  nameKana: singleLine(100)
    .min(1)
    .regex(
      /^[\p{Script=Katakana}\p{Script=Hiragana}ー・ 　]+$/u,
      'must be written in kana (フリガナ)',
    )
    .optional(),
  email: z.email().max(254),
  phone: z
    .string()
    .regex(/^\+?[0-9][0-9 ()-]{5,20}$/, 'must be a phone number such as 03-1234-5678')
    .optional(),
});

const WindowInput = z
  .strictObject({ start: InstantInput, end: InstantInput })
  .refine((w) => w.start < w.end, { message: 'start must be before end', path: ['end'] });

export const ApplicationInput = z
  .strictObject({
    company: CompanyInput,
    contact: ContactInput,
    topics: z
      .array(z.string().refine(isTopic, `must be one of ${topicCodes.join(', ')}`))
      .min(1)
      .max(topicCodes.length)
      .refine((t) => new Set(t).size === t.length, 'must not repeat a topic'),
    format: z.enum(['onsite', 'online', 'either']),
    durationMinutes: z.number().int().min(60).max(MAX_DURATION_MINUTES).default(120),
    preferredWindows: z.array(WindowInput).min(1).max(5),
    notes: multiLine(4000).default(''),
    followUpOf: z.uuid().optional(),
    privacyConsent: z
      .literal(true, { message: 'must be true: the applicant agrees to the privacy policy' })
      .optional()
      .openapi({
        description:
          'The applicant agrees to the handling of personal information (the /apply form asks)',
      }),
    // Where the company stands on the nine steps before any visit: optional, the baseline the
    // outcome report compares the answer after the visits with.
    readiness: ReadinessLevelsInput.optional(),
  })
  .openapi('Application');

export type Application = z.output<typeof ApplicationInput>;

export const RequestSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(requestStatuses),
    company: z.object({
      id: z.uuid().nullable().openapi({
        description: 'The company record, once the office has accepted the request; null before',
      }),
      name: z.string(),
      corporateNumber: z.string().nullable(),
      industryCode: z.string(),
      prefectureCode: z.string(),
      employees: z.number().int(),
      capitalYen: z.number().int(),
      isSme: z.boolean(),
      address: z.string().nullable(),
    }),
    contact: z.object({
      name: z.string(),
      nameKana: z.string().nullable(),
      email: z.string(),
      phone: z.string().nullable(),
    }),
    privacyConsentAt: Instant.nullable(),
    topics: z.array(z.string()),
    format: z.enum(['onsite', 'online', 'either']),
    durationMinutes: z.number().int(),
    preferredWindows: z.array(z.object({ start: Instant, end: Instant })),
    notes: z.string(),
    followUpOf: z.uuid().nullable(),
    fiscalYear: z.number().int(),
    cancelReason: z.string().nullable(),
    review: z.object({ at: Instant, note: z.string().nullable() }).nullable().openapi({
      description: 'The office’s decision: when, and its note on accepting or reason for declining',
    }),
    sessions: z.array(SessionSchema),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('Request');

export type RequestBody = z.infer<typeof RequestSchema>;

export const CancelInput = z.strictObject({ reason: singleLine(1000).optional() });

/** Slots to book or move a visit to, each with the expert who would come. */
export const SlotListSchema = z
  .object({
    slots: z.array(
      z.object({
        start: Instant,
        end: Instant,
        format: z.enum(['onsite', 'online']),
        expert: z.object({ id: z.uuid(), name: z.string(), affiliation: z.string() }),
      }),
    ),
    fullFiscalYears: z.array(z.number().int()).openapi({
      description:
        'Fiscal years in which the company already has its quota of visits ' +
        '(VISITS_PER_COMPANY_PER_FY): no slot in them is offered, as none could be booked',
    }),
  })
  .openapi('SlotList');
