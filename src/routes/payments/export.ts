import { createHash } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import { type AuditEntry, audit } from '../../db/audit.ts';
import { expertBankAccounts, paymentExports, paymentItems, payments } from '../../db/schema.ts';
import type { Tx } from '../../db/types.ts';
import { branchNames, checkBankAccount } from '../../domain/bank-account.ts';
import { feeDay } from '../../domain/fees.ts';
import { defaultTransferDate, isBankBusinessDay } from '../../domain/payment.ts';
import { paymentItemTransition } from '../../domain/payment-lifecycle.ts';
import { type LocalDate, tokyoDate } from '../../domain/time.ts';
import {
  transferFileRecords,
  ZenginLayoutError,
  type ZenginRequester,
  type ZenginTransfer,
} from '../../domain/zengin.ts';
import { ApiError, invalid } from '../../http/errors.ts';
import { bankDirectoryFor } from '../../payments/bank-directory.ts';
import { encodeZenginFile } from '../../payments/zengin-file.ts';
import { lockRates } from '../fees/queries.ts';
import { exportsOf, monthRange } from './report.ts';
import { type ExpertMonth, settlements } from './statement.ts';

type ExportRow = typeof paymentExports.$inferSelect;

/**
 * Exports a month's payments: everything payable and not yet paid is paid, in one 全銀 file
 * kept byte for byte. Two exports of a month run one after the other (the year's rates lock,
 * which also freezes the rates), so the second finds nothing new to pay and hands back the
 * first's file. Returns the export and whether it was made now.
 */
export async function exportMonth(
  tx: Tx,
  input: { fiscalYear: number; month: string; transferDate?: LocalDate },
  context: { now: Date; config: Config; actor: AuditEntry['actor'] },
): Promise<{ row: ExportRow; created: boolean }> {
  const rates = await lockRates(tx, input.fiscalYear);
  const { months } = await settlements(tx, monthRange(input.month), rates);
  // In a fixed order (name by code point, then id), so a file reads the same on any runtime.
  const due = months
    .filter((m) => m.settlement.fees.length > 0 || m.settlement.travel.length > 0)
    .sort((a, b) => byNameThenId(a.expert, b.expert));
  const earlier = await exportsOf(tx, input.month);
  if (due.length === 0) {
    const latest = earlier.at(-1);
    if (latest) return { row: latest, created: false };
    throw new ApiError(
      'nothing-to-pay',
      `Nothing of ${input.month} is payable yet: a visit is paid once completed and confirmed by its company`,
    );
  }

  const transferDate = transferDateOf(input.transferDate, context.now);
  const paying = due.filter((m) => m.settlement.due.netYen > 0);
  const file =
    paying.length > 0 ? await transferFile(tx, paying, transferDate, context.config) : null;
  const totalYen = paying.reduce((sum, m) => sum + m.settlement.due.netYen, 0);
  const [row] = await tx
    .insert(paymentExports)
    .values({
      fiscalYear: input.fiscalYear,
      month: input.month,
      sequence: (earlier.at(-1)?.sequence ?? 0) + 1,
      transferDate,
      transfers: paying.length,
      totalYen,
      file,
      fileSha256: file ? createHash('sha256').update(file).digest('hex') : null,
      createdAt: context.now,
    })
    .returning();
  if (!row) throw new Error('export insert returned no row');
  const paid = await recordPayments(tx, row, due);
  await audit(
    tx,
    {
      at: context.now,
      actor: context.actor,
      action: 'payments.exported',
      entityType: 'payment-export',
      entityId: row.id,
      data: {
        month: row.month,
        sequence: row.sequence,
        transfers: row.transfers,
        totalYen: row.totalYen,
        sha256: row.fileSha256,
      },
    },
    ...paid.map(
      (p): AuditEntry => ({
        at: context.now,
        actor: context.actor,
        action: 'payment.made',
        entityType: 'payment',
        entityId: p.id,
        data: p.data,
      }),
    ),
  );
  return { row, created: true };
}

function byNameThenId(a: { name: string; id: string }, b: { name: string; id: string }) {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function transferDateOf(given: LocalDate | undefined, now: Date): LocalDate {
  if (given === undefined) return defaultTransferDate(tokyoDate(now));
  if (given < tokyoDate(now)) throw invalid('transferDate', 'must not be in the past');
  if (!isBankBusinessDay(given)) {
    throw invalid(
      'transferDate',
      'must be a bank business day (not a weekend, holiday or 12-31 to 01-03)',
    );
  }
  return given;
}

/** The payments, and each visit's fee and travel as paid, frozen at their amounts. */
async function recordPayments(tx: Tx, exported: ExportRow, due: ExpertMonth[]) {
  const rows = await tx
    .insert(payments)
    .values(
      due.map(({ expert, settlement }) => ({
        exportId: exported.id,
        expertId: expert.id,
        month: exported.month,
        units: settlement.due.units,
        feeYen: settlement.due.feeYen,
        travelYen: settlement.due.travelYen,
        withholdingYen: settlement.due.withholdingYen,
        netYen: settlement.due.netYen,
      })),
    )
    .returning({ id: payments.id, expertId: payments.expertId, netYen: payments.netYen });
  const paymentOf = new Map(rows.map((r) => [r.expertId, r]));
  const items = due.flatMap(({ expert, settlement, lines }) => {
    const paymentId = paymentOf.get(expert.id)?.id as string;
    const lineOf = new Map(lines.map((l) => [l.visit.sessionId, l]));
    for (const [id, kind] of [
      ...settlement.fees.map((f) => [f.id, 'fee'] as const),
      ...settlement.travel.map((t) => [t.id, 'travel'] as const),
    ]) {
      const line = lineOf.get(id);
      const status = kind === 'fee' ? line?.fee.status : line?.travel?.status;
      if (!status || paymentItemTransition('export', status) === null) {
        throw new Error(`the ${kind} of ${id} is ${status ?? 'unknown'}, not payable`);
      }
    }
    return [
      ...settlement.fees.map((f) => ({
        sessionId: f.id,
        kind: 'fee' as const,
        paymentId,
        day: f.day,
        units: f.units,
        amountYen: f.feeYen,
      })),
      ...settlement.travel.map((t) => {
        const visit = lineOf.get(t.id)?.visit;
        if (!visit?.actualStart) throw new Error(`travel of an unreported visit ${t.id}`);
        return {
          sessionId: t.id,
          kind: 'travel' as const,
          paymentId,
          day: feeDay({ actualStart: visit.actualStart }),
          units: 0,
          amountYen: t.travelYen,
        };
      }),
    ];
  });
  // The key (visit, kind) refuses to pay anything twice, whatever got past the lock.
  if (items.length > 0) await tx.insert(paymentItems).values(items);
  return due.map(({ expert, settlement }) => {
    const payment = paymentOf.get(expert.id);
    if (!payment) throw new Error('payment insert lost a row');
    return {
      id: payment.id,
      data: {
        exportId: exported.id,
        expertId: expert.id,
        month: exported.month,
        netYen: payment.netYen,
        fees: settlement.fees.map((f) => f.id),
        travel: settlement.travel.map((t) => t.id),
      },
    };
  });
}

/** The 全銀 総合振込 file paying each expert's due net into their account. */
async function transferFile(
  tx: Tx,
  paying: ExpertMonth[],
  transferDate: LocalDate,
  config: Config,
): Promise<Uint8Array> {
  const office = config.zengin;
  if (!office) {
    throw new ApiError(
      'not-available',
      'The office’s bank details are not configured: set ZENGIN_REQUESTER_CODE, ZENGIN_REQUESTER_NAME, ZENGIN_BANK_CODE, ZENGIN_BRANCH_CODE and ZENGIN_ACCOUNT_NUMBER',
    );
  }
  const banks = await bankDirectoryFor('全銀 files are built');
  const accounts = await tx
    .select()
    .from(expertBankAccounts)
    .where(
      inArray(
        expertBankAccounts.expertId,
        paying.map((m) => m.expert.id),
      ),
    );
  const byExpert = new Map(accounts.map((a) => [a.expertId, a]));
  const problems: { path: string; message: string }[] = [];
  const transfers: ZenginTransfer[] = [];
  for (const { expert, settlement } of paying) {
    const stored = byExpert.get(expert.id);
    const check = stored && checkBankAccount(stored, banks);
    if (!check?.ok) {
      problems.push({
        path: `experts.${expert.id}`,
        message: stored
          ? `${expert.name}: the bank account no longer checks out (${check?.problems.map((p) => p.message).join('; ')})`
          : `${expert.name} has no bank account`,
      });
      continue;
    }
    transfers.push({
      ...check.account,
      payeeName: check.account.holderName,
      amountYen: settlement.due.netYen,
    });
  }
  if (problems.length > 0) {
    throw new ApiError(
      'bank-account-missing',
      `Every expert paid needs a bank account: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    );
  }
  const own = branchNames(banks, office.bankCode, office.branchCode);
  if (!own) {
    throw new ApiError(
      'not-available',
      `The office’s bank (ZENGIN_BANK_CODE ${office.bankCode}, ZENGIN_BRANCH_CODE ${office.branchCode}) is no branch in the bank directory`,
    );
  }
  const requester: ZenginRequester = {
    ...office,
    bankName: own.bankName,
    branchName: own.branchName,
  };
  try {
    return encodeZenginFile(transferFileRecords(requester, transferDate, transfers));
  } catch (error) {
    if (error instanceof ZenginLayoutError) {
      const [field = 'file'] = error.message.split(':');
      throw invalid(field, error.message);
    }
    throw error;
  }
}
