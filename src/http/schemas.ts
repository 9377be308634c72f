import { z } from '@hono/zod-openapi';
import { isMultiLineText, isSingleLineText } from '../domain/text.ts';
import { isLocalDate } from '../domain/time.ts';
import type { Role } from './context.ts';

/** Shared OpenAPI pieces: the problem body, ids, timestamps, pagination. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .openapi('Problem');

export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The failures any authenticated route may answer with. */
export const commonErrors = {
  400: problemResponse('Invalid input; `errors` names each field'),
  401: problemResponse('No token, or an unknown or revoked one'),
  403: problemResponse('The token’s role may not use this route'),
  404: problemResponse('Unknown id, or another tenant’s'),
  503: problemResponse('The database is unavailable'),
} as const;

export const IdParam = z.object({
  id: z.uuid({ message: 'must be a UUID' }).openapi({ param: { name: 'id', in: 'path' } }),
});

export const Instant = z.string().openapi({ format: 'date-time', example: '2026-12-03T01:00:00Z' });

const RFC_3339 =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * RFC 3339 with any offset; carried on as a Date. Every field must be in range: `new Date`
 * rolls 2026-11-31 over to 12-01 and T24:00 to the next day, which would book a visit on a
 * day nobody asked for. The instant must fall in years 1–9999 in UTC too, which is what
 * Postgres and ISO strings can carry (there is no year 0 in Postgres).
 */
export const InstantInput = z
  .string()
  .regex(RFC_3339, 'must be an RFC 3339 date-time with an offset, e.g. 2026-12-03T10:00:00+09:00')
  .transform((s, ctx) => {
    const [, date = '', ...times] = RFC_3339.exec(s) ?? [];
    const [hour = 0, minute = 0, second = 0, offsetHour = 0, offsetMinute = 0] = times.map((t) =>
      Number(t ?? 0),
    );
    const instant = new Date(s);
    const year = instant.getUTCFullYear();
    const real =
      isLocalDate(date) &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59 &&
      offsetHour <= 23 &&
      offsetMinute <= 59 &&
      year >= 1 &&
      year <= 9999;
    if (!real) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date-time' });
      return z.NEVER;
    }
    return instant;
  })
  .openapi({ type: 'string', format: 'date-time', example: '2026-12-03T10:00:00+09:00' });

/**
 * A single-line field (a name, an affiliation, a reason, a title): trimmed, and no control
 * character at all, CR and LF included.
 */
export const singleLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine(isSingleLineText, { message: 'must be one line without control characters' });

/**
 * A multi-line field (notes, a summary): trimmed; lines end in LF alone, and no other control
 * character.
 */
export const multiLine = (max: number) =>
  z.string().trim().max(max).refine(isMultiLineText, {
    message: 'may break lines with LF only, and hold no other control characters',
  });

/** The header that makes a creating POST idempotent (src/http/idempotency.ts). */
export const IdempotencyHeader = z.object({ 'idempotency-key': z.string().optional() });

/** What a creating POST may answer because of its Idempotency-Key. */
export const idempotencyErrors = {
  409: problemResponse('The first request with this Idempotency-Key is still running'),
  422: problemResponse('Idempotency-Key reused with another body'),
} as const;

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
};

/**
 * A route for bearer tokens of these roles. OpenAPI 3.1 lets a non-OAuth requirement list role
 * names, so the document says who may call; the router refuses other roles (403) before it
 * reads the request, and the handler's requireRole narrows the principal's type.
 */
export const bearer = (...roles: Role[]) => [{ bearer: roles }];

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
