import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { audit } from '../../db/audit.ts';
import { budgets } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { fiscalYearOf, tokyoDate } from '../../domain/time.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { bearer, commonErrors, jsonBody, jsonResponse } from '../../http/schemas.ts';
import { ratesOf } from '../fees/queries.ts';
import { FiscalYearParam } from '../fees/schema.ts';
import { budgetBody, budgetFigures, budgetRow, intakeState } from './queries.ts';
import { BudgetInput, BudgetSchema, IntakeSchema } from './schema.ts';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/budget/{fiscalYear}',
  tags: ['money'],
  summary: 'A fiscal year’s budget: committed, approved, paid and remaining (staff)',
  security: bearer('staff'),
  request: { params: FiscalYearParam },
  responses: { 200: jsonResponse('The budget and its figures', BudgetSchema), ...commonErrors },
});

const putRoute = createRoute({
  method: 'put',
  path: '/v1/budget/{fiscalYear}',
  tags: ['money'],
  summary: 'Set a fiscal year’s budget and the last day of intake (staff)',
  security: bearer('staff'),
  request: { params: FiscalYearParam, body: jsonBody(BudgetInput) },
  responses: { 200: jsonResponse('The budget and its figures', BudgetSchema), ...commonErrors },
});

const intakeRoute = createRoute({
  method: 'get',
  path: '/v1/intake',
  tags: ['requests'],
  summary: 'Whether applications are taken now, and until when',
  responses: { 200: jsonResponse('The current fiscal year’s intake', IntakeSchema) },
});

export function registerBudget(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    return c.json(await budgetBody(db, c.req.valid('param').fiscalYear, tokyoDate(clock())), 200);
  });

  app.openapi(putRoute, async (c) => {
    const principal = requireRole(c, 'staff');
    const { db, clock } = c.get('deps');
    const { fiscalYear } = c.req.valid('param');
    const input = c.req.valid('json');
    const body = await transaction(db, async (tx) => {
      const now = clock();
      const set = {
        amountYen: input.amountYen,
        intakeClosesOn: input.intakeClosesOn ?? null,
        updatedAt: now,
      };
      const before = await budgetRow(tx, fiscalYear, { forUpdate: true });
      await tx
        .insert(budgets)
        .values({ fiscalYear, ...set })
        .onConflictDoUpdate({ target: budgets.fiscalYear, set });
      await audit(tx, {
        at: now,
        actor: actorOf(principal),
        action: 'budget.set',
        entityType: 'budget',
        entityId: String(fiscalYear),
        data: {
          before: before
            ? { amountYen: before.amountYen, intakeClosesOn: before.intakeClosesOn }
            : null,
          after: { amountYen: set.amountYen, intakeClosesOn: set.intakeClosesOn },
        },
      });
      return budgetBody(tx, fiscalYear, tokyoDate(now));
    });
    return c.json(body, 200);
  });

  app.openapi(intakeRoute, async (c) => {
    const { db, clock } = c.get('deps');
    const now = clock();
    const fiscalYear = fiscalYearOf(now);
    const [row, rates] = await Promise.all([budgetRow(db, fiscalYear), ratesOf(db, fiscalYear)]);
    const state = row
      ? intakeState(row, await budgetFigures(db, fiscalYear, rates), tokyoDate(now), 0)
      : { open: true, reason: null };
    c.header('Cache-Control', 'no-cache');
    return c.json({ fiscalYear, ...state, closesOn: row?.intakeClosesOn ?? null }, 200);
  });
}
