import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { audit } from '../../db/audit.ts';
import { expertBankAccounts } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { checkBankAccount } from '../../domain/bank-account.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError, notFound } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { bankDirectoryFor } from '../../payments/bank-directory.ts';
import { expertById } from '../experts/queries.ts';
import { type BankAccountBody, BankAccountInput, BankAccountSchema } from './schema.ts';

type AccountRow = typeof expertBankAccounts.$inferSelect;

const notHere = problemResponse(
  'not-available: bank accounts are checked by the Node server (no bank directory here)',
);

const staffGet = createRoute({
  method: 'get',
  path: '/v1/experts/{id}/bank-account',
  tags: ['money'],
  summary: 'An expert’s bank account, for their payments (staff)',
  security: bearer('staff'),
  request: { params: IdParam },
  responses: { 200: jsonResponse('The account', BankAccountSchema), ...commonErrors },
});

const staffPut = createRoute({
  method: 'put',
  path: '/v1/experts/{id}/bank-account',
  tags: ['money'],
  summary: 'Set an expert’s bank account, checked against the zengin-code bank directory (staff)',
  security: bearer('staff'),
  request: { params: IdParam, body: jsonBody(BankAccountInput) },
  responses: {
    200: jsonResponse('The account as the 全銀 file will write it', BankAccountSchema),
    ...commonErrors,
    501: notHere,
  },
});

const meGet = createRoute({
  method: 'get',
  path: '/v1/me/bank-account',
  tags: ['me'],
  summary: 'Your bank account, where your fees and travel are paid (expert)',
  security: bearer('expert'),
  responses: { 200: jsonResponse('Your account', BankAccountSchema), ...commonErrors },
});

const mePut = createRoute({
  method: 'put',
  path: '/v1/me/bank-account',
  tags: ['me'],
  summary: 'Set your bank account, checked against the zengin-code bank directory (expert)',
  security: bearer('expert'),
  request: { body: jsonBody(BankAccountInput) },
  responses: {
    200: jsonResponse('Your account as the 全銀 file will write it', BankAccountSchema),
    ...commonErrors,
    501: notHere,
  },
});

function present(row: AccountRow): BankAccountBody {
  return {
    expertId: row.expertId,
    bankCode: row.bankCode,
    bankName: row.bankName,
    branchCode: row.branchCode,
    branchName: row.branchName,
    accountType: row.accountType,
    accountNumber: row.accountNumber,
    holderName: row.holderName,
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function readAccount(c: Context<AppEnv>, expertId: string): Promise<BankAccountBody> {
  const { db } = c.get('deps');
  await expertById(db, expertId);
  const [row] = await db
    .select()
    .from(expertBankAccounts)
    .where(eq(expertBankAccounts.expertId, expertId));
  if (!row) throw notFound('Bank account');
  return present(row);
}

async function writeAccount(
  c: Context<AppEnv>,
  expertId: string,
  input: z.infer<typeof BankAccountInput>,
): Promise<BankAccountBody> {
  const principal = c.get('principal');
  const { db, clock } = c.get('deps');
  const check = checkBankAccount(input, await bankDirectoryFor('Bank accounts are checked'));
  if (!check.ok) {
    throw new ApiError(
      'validation-failed',
      check.problems.map((p) => `${p.field}: ${p.message}`).join('; '),
      check.problems.map((p) => ({ path: p.field, message: p.message })),
    );
  }
  const { account } = check;
  return transaction(db, async (tx) => {
    await expertById(tx, expertId, true);
    const now = clock();
    const values = {
      bankCode: account.bankCode,
      branchCode: account.branchCode,
      accountType: account.accountType,
      accountNumber: account.accountNumber,
      holderName: account.holderName,
      bankName: account.bankDisplayName,
      branchName: account.branchDisplayName,
      updatedAt: now,
    };
    const [row] = await tx
      .insert(expertBankAccounts)
      .values({ expertId, ...values })
      .onConflictDoUpdate({ target: expertBankAccounts.expertId, set: values })
      .returning();
    if (!row) throw new Error('bank account upsert returned no row');
    // Which bank, not the account itself: the audit log is read more widely than accounts.
    await audit(tx, {
      at: now,
      actor: actorOf(principal),
      action: 'bank-account.set',
      entityType: 'bank-account',
      entityId: expertId,
      data: { bankCode: account.bankCode, branchCode: account.branchCode },
    });
    return present(row);
  });
}

export function registerBankAccounts(app: OpenAPIHono<AppEnv>) {
  app.openapi(staffGet, async (c) => {
    requireRole(c, 'staff');
    return c.json(await readAccount(c, c.req.valid('param').id), 200);
  });
  app.openapi(staffPut, async (c) => {
    requireRole(c, 'staff');
    return c.json(await writeAccount(c, c.req.valid('param').id, c.req.valid('json')), 200);
  });
  app.openapi(meGet, async (c) => {
    const { expertId } = requireRole(c, 'expert');
    return c.json(await readAccount(c, expertId), 200);
  });
  app.openapi(mePut, async (c) => {
    const { expertId } = requireRole(c, 'expert');
    return c.json(await writeAccount(c, expertId, c.req.valid('json')), 200);
  });
}
