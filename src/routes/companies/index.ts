import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { audit } from '../../db/audit.ts';
import { certifications } from '../../db/schema.ts';
import { parseCertification } from '../../domain/certification.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { parsedOrInvalid } from '../../http/domain-input.ts';
import { callerScope, idempotent } from '../../http/idempotency.ts';
import {
  bearer,
  commonErrors,
  IdempotencyHeader,
  IdParam,
  idempotencyErrors,
  jsonBody,
  jsonResponse,
} from '../../http/schemas.ts';
import { companyById, loadCompany, presentCertification } from './queries.ts';
import { CertificationInput, CertificationSchema, CompanySchema } from './schema.ts';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/companies/{id}',
  tags: ['companies'],
  summary: 'A company record, with its certifications and applications (staff)',
  security: bearer('staff'),
  request: { params: IdParam },
  responses: { 200: jsonResponse('The company', CompanySchema), ...commonErrors },
});

const certifyRoute = createRoute({
  method: 'post',
  path: '/v1/companies/{id}/certifications',
  tags: ['companies'],
  summary: 'Record that a company was certified, or that a body is auditing it (staff)',
  description:
    'The body is one of the six accredited bodies (see `bodyId`). A body certifying outside ' +
    'its scope is recorded, with a warning.',
  security: bearer('staff'),
  request: { params: IdParam, body: jsonBody(CertificationInput), headers: IdempotencyHeader },
  responses: {
    201: jsonResponse('The certification, with any warnings', CertificationSchema),
    ...commonErrors,
    ...idempotencyErrors,
  },
});

export function registerCompanies(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    requireRole(c, 'staff');
    const { db } = c.get('deps');
    return c.json(await loadCompany(db, await companyById(db, c.req.valid('param').id)), 200);
  });

  app.openapi(certifyRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const actor = actorOf(principal);
    const outcome = await idempotent(
      db,
      {
        key: c.req.header('idempotency-key'),
        scope: callerScope(`POST /v1/companies/${id}/certifications`, actor),
        body: input,
        now: clock(),
      },
      async (tx) => {
        const now = clock();
        // The body first: a bad one is 400 whatever the company, as on every route.
        const { date, bodyId, number } = parsedOrInvalid(parseCertification(input, now));
        const company = await companyById(tx, id);
        const [row] = await tx
          .insert(certifications)
          .values({
            companyId: company.id,
            bodyId,
            status: input.status,
            date,
            number,
            createdAt: now,
          })
          .returning();
        if (!row) throw new Error('certification insert returned no row');
        await audit(tx, {
          at: now,
          actor,
          action: 'company.certification-recorded',
          entityType: 'company',
          entityId: company.id,
          data: { certificationId: row.id, bodyId, status: row.status, date },
        });
        return { status: 201, body: presentCertification(row, company.industryCode) };
      },
    );
    return c.json(outcome.body, 201);
  });
}
