import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { replayableSecrets } from '../../auth/replayable-secret.ts';
import { hashSecret } from '../../auth/secrets.ts';
import { audit } from '../../db/audit.ts';
import { companies, requests, tokens } from '../../db/schema.ts';
import type { Tx } from '../../db/types.ts';
import { bookableRange } from '../../domain/availability.ts';
import { isSme } from '../../domain/sme.ts';
import { fiscalYearOf } from '../../domain/time.ts';
import { actorOf } from '../../http/auth.ts';
import type { AppEnv, Deps } from '../../http/context.ts';
import { ApiError, type FieldError, invalid } from '../../http/errors.ts';
import { idempotent } from '../../http/idempotency.ts';
import {
  IdempotencyHeader,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { enqueue } from '../../notify/enqueue.ts';
import { presentRequest } from './queries.ts';
import { type Application, ApplicationInput, RequestSchema } from './schema.ts';

/** How a company's access token begins (staff `hks_`, experts `hke_`, feeds `hkf_`). */
export const COMPANY_TOKEN_PREFIX = 'hkc';

const route = createRoute({
  method: 'post',
  path: '/v1/requests',
  tags: ['requests'],
  summary: 'Apply for a consultation visit; returns the company’s access token once',
  request: {
    body: jsonBody(ApplicationInput),
    headers: IdempotencyHeader,
  },
  responses: {
    201: jsonResponse(
      'The request, and the bearer token the company uses from now on (shown once)',
      z.object({ request: RequestSchema, accessToken: z.string() }),
    ),
    400: problemResponse('Invalid application; `errors` names each field'),
    ...idempotencyErrors,
  },
});

export function registerApply(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const deps = c.get('deps');
    const input = c.req.valid('json');
    const actor = actorOf(c.get('principal'));
    const secrets = await replayableSecrets(deps.db, deps.config.feedSecret);
    const { secret: accessToken, nonce } = await secrets.fresh(COMPANY_TOKEN_PREFIX);
    const outcome = await idempotent(
      deps.db,
      {
        key: c.req.header('idempotency-key'),
        scope: 'POST /v1/requests',
        body: input,
        now: deps.clock(),
      },
      async (tx) => {
        // Inside the work, so a replay is judged by the first answer, not by today's clock.
        checkWindows(input, deps);
        const request = await createRequest(tx, input, deps);
        await tx.insert(tokens).values({
          hash: hashSecret(accessToken),
          role: 'company',
          requestId: request.id,
          label: 'application',
        });
        await audit(tx, {
          at: deps.clock(),
          actor,
          action: 'request.created',
          entityType: 'request',
          entityId: request.id,
          data: { format: input.format, topics: input.topics },
        });
        await enqueue(tx, 'request.received', { now: deps.clock(), requestId: request.id });
        return { status: 201, body: { request, accessToken }, stored: { request, nonce } };
      },
      async (_, stored) => ({
        request: stored.request,
        accessToken: await secrets.again(COMPANY_TOKEN_PREFIX, stored.nonce),
      }),
    );
    return c.json(outcome.body, 201);
  });
}

/** Preferred windows must lie inside the bookable window and fit the visit. */
function checkWindows(input: Application, deps: Deps) {
  const range = bookableRange(deps.clock(), deps.config);
  const errors: FieldError[] = [];
  input.preferredWindows.forEach((w, i) => {
    if (w.start.getTime() < range.start) {
      errors.push({
        path: `preferredWindows.${i}.start`,
        message: `must be at least ${deps.config.minNoticeHours} hours from now (${new Date(range.start).toISOString()})`,
      });
    }
    if (w.end.getTime() > range.end) {
      errors.push({
        path: `preferredWindows.${i}.end`,
        message: `must be within ${deps.config.horizonDays} days from now (${new Date(range.end).toISOString()})`,
      });
    }
    if (w.end.getTime() - w.start.getTime() < input.durationMinutes * 60_000) {
      errors.push({
        path: `preferredWindows.${i}`,
        message: `is shorter than the visit (${input.durationMinutes} minutes)`,
      });
    }
  });
  if (errors.length > 0) {
    throw new ApiError(
      'validation-failed',
      errors.map((e) => `${e.path} ${e.message}`).join('; '),
      errors,
    );
  }
}

async function createRequest(tx: Tx, input: Application, deps: Deps) {
  const now = deps.clock();
  const company = input.company;
  const sme = isSme(company);
  const declared = {
    name: company.name,
    industryCode: company.industryCode,
    prefectureCode: company.prefectureCode,
    employees: company.employees,
    capitalYen: company.capitalYen,
    isSme: sme,
  };
  // The corporate number identifies a company across applications; without one (a sole
  // proprietor) every application is a company of its own.
  const [companyRow] = company.corporateNumber
    ? await tx
        .insert(companies)
        .values({ ...declared, corporateNumber: company.corporateNumber })
        .onConflictDoUpdate({
          target: companies.corporateNumber,
          set: { ...declared, updatedAt: now },
        })
        .returning()
    : await tx
        .insert(companies)
        .values({ ...declared, corporateNumber: null })
        .returning();
  if (!companyRow) throw new Error('company upsert returned no row');

  if (input.followUpOf) {
    const [earlier] = await tx
      .select({ companyId: requests.companyId })
      .from(requests)
      .where(eq(requests.id, input.followUpOf));
    if (!earlier || !company.corporateNumber || earlier.companyId !== companyRow.id) {
      throw invalid(
        'followUpOf',
        'is not an earlier request of the same company (same corporateNumber)',
      );
    }
  }

  const [row] = await tx
    .insert(requests)
    .values({
      companyId: companyRow.id,
      companyName: company.name,
      industryCode: company.industryCode,
      prefectureCode: company.prefectureCode,
      employees: company.employees,
      capitalYen: company.capitalYen,
      isSme: sme,
      contactName: input.contact.name,
      contactEmail: input.contact.email,
      contactPhone: input.contact.phone ?? null,
      topics: input.topics,
      format: input.format,
      durationMinutes: input.durationMinutes,
      preferredWindows: input.preferredWindows.map((w) => ({
        start: w.start.toISOString(),
        end: w.end.toISOString(),
      })),
      notes: input.notes,
      followUpOf: input.followUpOf ?? null,
      fiscalYear: fiscalYearOf(now),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error('request insert returned no row');
  return presentRequest(row, companyRow, []);
}
