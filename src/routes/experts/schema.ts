import { z } from '@hono/zod-openapi';
import { MAX_TRAVEL_BUFFER_MINUTES } from '../../domain/booking.ts';
import { certificationBodyIds } from '../../domain/certification.ts';
import { isValidCorporateNumber } from '../../domain/corporate-number.ts';
import { isIndustryCode, isTopic, prefecture } from '../../domain/taxonomy.ts';
import { Instant, singleLine } from '../../http/schemas.ts';

const unique = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((list) => new Set(list).size === list.length, 'must not repeat an entry');

const fields = {
  name: singleLine(100).min(1),
  email: z.email().max(254),
  affiliation: singleLine(200),
  industries: unique(
    z
      .string()
      .refine(isIndustryCode, 'is not a JSIC division or middle-group code (see /v1/taxonomy)'),
    60,
  ),
  // Free-form labels; the certification scopes (all-industries, manufacturing, die-mould,
  // aerospace-defence) among them take part in matching.
  tags: unique(
    z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a lowercase-dashed label'),
    20,
  ),
  topics: unique(z.string().refine(isTopic, 'is not a topic code (see /v1/taxonomy)'), 20),
  prefectures: unique(
    z.string().refine((c) => prefecture(c) !== undefined, 'is not a prefecture code 01–47'),
    47,
  ),
  online: z.boolean(),
  languages: unique(
    z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag'),
    10,
  ),
  maxVisitsPerMonth: z.number().int().min(0).max(100),
  travelBufferMinutes: z.number().int().min(0).max(MAX_TRAVEL_BUFFER_MINUTES),
  conflicts: unique(z.string().refine(isValidCorporateNumber, 'is not a valid 法人番号'), 200),
  // The accredited body the expert audits for: matching keeps them away from the companies it
  // certified or is auditing.
  certificationBodyId: z.enum(certificationBodyIds).nullable(),
  active: z.boolean(),
  feeExempt: z.boolean().openapi({
    description:
      'Publicly paid, or a member of the applying organisation: paid travel, never a fee',
  }),
};

export const ExpertInput = z
  .strictObject({
    ...fields,
    affiliation: fields.affiliation.default(''),
    industries: fields.industries.default([]),
    tags: fields.tags.default([]),
    topics: fields.topics.default([]),
    prefectures: fields.prefectures.default([]),
    online: fields.online.default(true),
    languages: fields.languages.default(['ja']),
    maxVisitsPerMonth: fields.maxVisitsPerMonth.default(8),
    travelBufferMinutes: fields.travelBufferMinutes.default(60),
    conflicts: fields.conflicts.default([]),
    certificationBodyId: fields.certificationBodyId.default(null),
    active: fields.active.default(true),
    feeExempt: fields.feeExempt.default(false),
  })
  .openapi('ExpertInput');

export const ExpertPatch = z
  .strictObject(fields)
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'must change at least one field')
  .openapi('ExpertPatch');

const HoursShape = { start: z.string(), end: z.string() };

export const AvailabilityInput = z
  .strictObject({
    weekly: z.array(z.strictObject({ weekday: z.number().int(), ...HoursShape })).max(50),
    overrides: z
      .array(
        z.union([
          z.strictObject({ date: z.string(), available: z.literal(false) }),
          z.strictObject({
            date: z.string(),
            available: z.literal(true).optional(),
            ...HoursShape,
          }),
        ]),
      )
      .max(1000)
      .default([]),
  })
  .openapi('Availability');

export const AvailabilitySchema = z.object({
  weekly: z.array(z.object({ weekday: z.number().int(), start: z.string(), end: z.string() })),
  overrides: z.array(
    z.object({
      date: z.string(),
      available: z.boolean(),
      start: z.string().optional(),
      end: z.string().optional(),
    }),
  ),
});

export const ExpertSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    affiliation: z.string(),
    industries: z.array(z.string()),
    tags: z.array(z.string()),
    topics: z.array(z.string()),
    prefectures: z.array(z.string()),
    online: z.boolean(),
    languages: z.array(z.string()),
    maxVisitsPerMonth: z.number().int(),
    travelBufferMinutes: z.number().int(),
    conflicts: z.array(z.string()),
    certificationBodyId: z.enum(certificationBodyIds).nullable().openapi({
      description:
        'The certification body the expert is linked to: not sent to companies it certified or is auditing',
    }),
    active: z.boolean(),
    feeExempt: z.boolean(),
    availability: AvailabilitySchema,
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('Expert');

export type ExpertBody = z.infer<typeof ExpertSchema>;
