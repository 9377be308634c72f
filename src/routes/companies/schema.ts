import { z } from '@hono/zod-openapi';
import {
  CERTIFICATION_NUMBER_MAX,
  certificationBodyIds,
  certificationStatuses,
} from '../../domain/certification.ts';
import { requestStatuses } from '../../domain/request-lifecycle.ts';
import { documented } from '../../http/domain-input.ts';
import { Instant } from '../../http/schemas.ts';

/** A certification as staff record it; src/domain/certification.ts decides what is valid. */
export const CertificationInput = z
  .strictObject({
    date: documented({
      type: 'string',
      format: 'date',
      description:
        'The date on the certificate (or the day the audit began), Asia/Tokyo; not before the body was accredited, not after today',
    }),
    bodyId: documented({ type: 'string', enum: [...certificationBodyIds] }),
    number: documented({
      type: ['string', 'null'],
      maxLength: CERTIFICATION_NUMBER_MAX,
      description: 'The certificate’s registration number, if known',
    }),
    status: z.enum(certificationStatuses).default('certified').openapi({
      description:
        '`certified` (default), or `auditing`: the body’s audit has begun. Either keeps the body’s experts away from the company',
    }),
  })
  .openapi('CertificationInput');

const Localized = z.object({ ja: z.string(), en: z.string() });

export const CertificationSchema = z
  .object({
    id: z.uuid(),
    companyId: z.uuid(),
    bodyId: z.enum(certificationBodyIds),
    body: z.object({ name: Localized, accreditedOn: z.string(), scope: z.string() }),
    status: z.enum(certificationStatuses),
    date: z.string(),
    number: z.string().nullable(),
    warnings: z.array(z.string()).openapi({
      description: 'What staff should check: a body certifying outside its scope',
    }),
    createdAt: Instant,
  })
  .openapi('Certification');

export const CompanySchema = z
  .object({
    id: z.uuid(),
    corporateNumber: z.string().nullable(),
    name: z.string(),
    industryCode: z.string(),
    prefectureCode: z.string(),
    employees: z.number().int(),
    capitalYen: z.number().int(),
    isSme: z.boolean(),
    certifications: z.array(CertificationSchema),
    requests: z
      .array(z.object({ id: z.uuid(), status: z.enum(requestStatuses), createdAt: Instant }))
      .openapi({ description: 'The applications the office took on for it, oldest first' }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('Company');

export type CertificationBody = z.infer<typeof CertificationSchema>;
export type CompanyBody = z.infer<typeof CompanySchema>;
