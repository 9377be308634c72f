import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { COMPANY_TOKEN_PREFIX } from '../../auth/company-link.ts';
import { replayableSecrets } from '../../auth/replayable-secret.ts';
import { hashSecret } from '../../auth/secrets.ts';
import type { Config } from '../../config.ts';
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
import { validated } from '../../http/router.ts';
import {
  IdempotencyHeader,
  InstantInput,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { enqueue } from '../../notify/enqueue.ts';
import { checkIntake } from '../budget/checks.ts';
import { storeReadiness } from '../readiness/queries.ts';
import { hasOpenRequest } from './company-record.ts';
import { acceptRequest } from './decide.ts';
import { presentRequest } from './queries.ts';
import { type Application, ApplicationInput, RequestSchema } from './schema.ts';

type RequestRow = typeof requests.$inferSelect;

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
    409: problemResponse(
      'intake-closed: the fiscal year’s intake has closed or its budget is spoken for; or the first request with this Idempotency-Key is still running',
    ),
  },
});

export function registerApply(app: OpenAPIHono<AppEnv>) {
  app.openapi(
    route,
    async (c) => {
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
          await checkIntake(tx, input, deps.clock());
          const received = await createRequest(tx, input, deps);
          if (input.readiness) {
            await storeReadiness(tx, received.id, 'before', input.readiness, deps.clock());
          }
          await tx.insert(tokens).values({
            hash: hashSecret(accessToken),
            role: 'company',
            requestId: received.id,
            label: 'application',
            nonce,
          });
          await audit(tx, {
            at: deps.clock(),
            actor,
            action: 'request.created',
            entityType: 'request',
            entityId: received.id,
            data: {
              format: input.format,
              topics: input.topics,
              ...(input.readiness ? { readiness: input.readiness } : {}),
            },
          });
          await enqueue(tx, 'request.received', { now: deps.clock(), requestId: received.id });
          const row = (await autoAccepts(tx, received, deps.config))
            ? await acceptRequest(tx, received, {
                at: deps.clock(),
                actor: AUTO_ACCEPT_ACTOR,
                note: null,
              })
            : received;
          const request = presentRequest(row, []);
          return { status: 201, body: { request, accessToken }, stored: { request, nonce } };
        },
        async (_, stored) => ({
          request: stored.request,
          accessToken: await secrets.again(COMPANY_TOKEN_PREFIX, stored.nonce),
        }),
      );
      return c.json(outcome.body, 201);
    },
    (result, c) => {
      // On failure the hook is given what was sent, unparsed.
      const sent = (result as { data?: unknown }).data;
      validated(result, result.success ? [] : windowsSent(sent, c.get('deps')));
      return undefined;
    },
  );
}

const AUTO_ACCEPT_ACTOR = { role: 'system', id: 'AUTO_ACCEPT=sme' };

/**
 * AUTO_ACCEPT=sme: an application is accepted at once when it names a valid corporate number
 * (the schema checked its digit), is an SME by the thresholds, and that company has no open
 * request the office has taken on. Any other waits for the office.
 */
async function autoAccepts(tx: Tx, request: RequestRow, config: Config): Promise<boolean> {
  if (config.autoAccept !== 'sme' || !request.corporateNumber || !request.isSme) return false;
  return !(await hasOpenRequest(tx, request.corporateNumber));
}

type Window = { start: Date; end: Date };

/** Preferred windows must lie inside the bookable window and fit the visit. */
function windowProblems(
  windows: readonly (Window | null)[],
  durationMinutes: number,
  deps: Deps,
): FieldError[] {
  const range = bookableRange(deps.clock(), deps.config);
  const errors: FieldError[] = [];
  windows.forEach((w, i) => {
    if (!w) return;
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
    if (w.end.getTime() - w.start.getTime() < durationMinutes * 60_000) {
      errors.push({
        path: `preferredWindows.${i}`,
        message: `is shorter than the visit (${durationMinutes} minutes)`,
      });
    }
  });
  return errors;
}

function checkWindows(input: Application, deps: Deps) {
  const errors = windowProblems(input.preferredWindows, input.durationMinutes, deps);
  if (errors.length > 0) {
    throw new ApiError(
      'validation-failed',
      errors.map((e) => `${e.path} ${e.message}`).join('; '),
      errors,
    );
  }
}

/**
 * The windows' problems of an application the schema refused for other reasons, read from what
 * was sent as far as it can be: a client hears of every error in one answer, not of the
 * windows only once the rest is right.
 */
function windowsSent(raw: unknown, deps: Deps): FieldError[] {
  const body = (raw ?? {}) as { preferredWindows?: unknown; durationMinutes?: unknown };
  if (!Array.isArray(body.preferredWindows)) return [];
  const windows = body.preferredWindows.map((w) => {
    const start = InstantInput.safeParse((w as { start?: unknown })?.start);
    const end = InstantInput.safeParse((w as { end?: unknown })?.end);
    return start.success && end.success && start.data < end.data
      ? { start: start.data, end: end.data }
      : null;
  });
  const duration = Number.isInteger(body.durationMinutes) ? Number(body.durationMinutes) : 120;
  return windowProblems(windows, duration, deps);
}

async function createRequest(tx: Tx, input: Application, deps: Deps): Promise<RequestRow> {
  const now = deps.clock();
  const company = input.company;
  const corporateNumber = company.corporateNumber ?? null;
  if (input.followUpOf) await mustFollowUp(tx, input.followUpOf, corporateNumber);
  // The company as declared: the request's own snapshot. The shared record is the office's,
  // written only when it accepts the request (company-record.ts).
  const [row] = await tx
    .insert(requests)
    .values({
      companyId: null,
      companyName: company.name,
      corporateNumber,
      industryCode: company.industryCode,
      prefectureCode: company.prefectureCode,
      employees: company.employees,
      capitalYen: company.capitalYen,
      isSme: isSme(company),
      contactName: input.contact.name,
      contactEmail: input.contact.email,
      contactPhone: input.contact.phone ?? null,
      contactNameKana: input.contact.nameKana ?? null,
      companyAddress: company.address ?? null,
      privacyConsentAt: input.privacyConsent ? now : null,
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
  return row;
}

/**
 * A follow-up continues a request the office accepted for the same company: the earlier one
 * must be linked to the company record of this application's corporate number.
 */
async function mustFollowUp(tx: Tx, earlierId: string, corporateNumber: string | null) {
  const [earlier] = await tx
    .select({ corporateNumber: companies.corporateNumber })
    .from(requests)
    .innerJoin(companies, eq(companies.id, requests.companyId))
    .where(eq(requests.id, earlierId));
  if (!earlier || !corporateNumber || earlier.corporateNumber !== corporateNumber) {
    throw invalid(
      'followUpOf',
      'is not an earlier accepted request of the same company (same corporateNumber)',
    );
  }
}
