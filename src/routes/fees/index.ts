import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { audit } from '../../db/audit.ts';
import { feeRates } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { feeRatesProblem } from '../../domain/fees.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { feeRatesBody, lockRates, ratesFrozen } from './queries.ts';
import { FeeRatesInput, FeeRatesSchema, FiscalYearParam } from './schema.ts';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/fees/{fiscalYear}',
  tags: ['money'],
  summary:
    'A fiscal year’s fee and travel rates; the defaults until set (staff; experts read the travel limits they claim within)',
  security: bearer('staff', 'expert'),
  request: { params: FiscalYearParam },
  responses: { 200: jsonResponse('The rates', FeeRatesSchema), ...commonErrors },
});

const putRoute = createRoute({
  method: 'put',
  path: '/v1/fees/{fiscalYear}',
  tags: ['money'],
  summary: 'Set a fiscal year’s rates, until a payment of that year is exported (staff)',
  security: bearer('staff'),
  request: { params: FiscalYearParam, body: jsonBody(FeeRatesInput) },
  responses: {
    200: jsonResponse('The rates', FeeRatesSchema),
    ...commonErrors,
    409: problemResponse('rates-frozen: a payment of the year has been exported'),
  },
});

export function registerFees(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    requireRole(c, 'staff', 'expert');
    const { db } = c.get('deps');
    return c.json(await feeRatesBody(db, c.req.valid('param').fiscalYear), 200);
  });

  app.openapi(putRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const { fiscalYear } = c.req.valid('param');
    const rates = c.req.valid('json');
    const problem = feeRatesProblem(rates);
    if (problem) throw new ApiError('validation-failed', problem);
    const body = await transaction(db, async (tx) => {
      const before = await lockRates(tx, fiscalYear);
      if (await ratesFrozen(tx, fiscalYear)) {
        throw new ApiError(
          'rates-frozen',
          `A payment of FY${fiscalYear} has been exported: its rates stay as they were paid on`,
        );
      }
      const now = clock();
      await tx
        .update(feeRates)
        .set({ ...rates, updatedAt: now })
        .where(eq(feeRates.fiscalYear, fiscalYear));
      await audit(tx, {
        at: now,
        actor: actorOf(principal),
        action: 'fees.updated',
        entityType: 'fee-rates',
        entityId: String(fiscalYear),
        data: { before, after: rates },
      });
      return feeRatesBody(tx, fiscalYear);
    });
    return c.json(body, 200);
  });
}
