import { eq } from 'drizzle-orm';
import { feeRates, paymentExports } from '../../db/schema.ts';
import type { Queryable, Tx } from '../../db/types.ts';
import { DEFAULT_FEE_RATES, type FeeRates } from '../../domain/fees.ts';
import { fiscalYearLabel } from '../../domain/time.ts';
import type { FeeRatesBody } from './schema.ts';

type RatesRow = typeof feeRates.$inferSelect;

function ratesOfRow(row: RatesRow): FeeRates {
  const { fiscalYear: _, updatedAt: __, ...rates } = row;
  return rates;
}

/** A fiscal year's rates: as set, or the defaults of PRODUCT.md. */
export async function ratesOf(q: Queryable, fiscalYear: number): Promise<FeeRates> {
  const [row] = await q.select().from(feeRates).where(eq(feeRates.fiscalYear, fiscalYear));
  return row ? ratesOfRow(row) : { ...DEFAULT_FEE_RATES };
}

/**
 * Locks the year's rates row, written with the defaults first if nobody set it: changing the
 * rates and exporting a payment of the year take this lock, so an export pays on the rates it
 * freezes, and two exports of one month run one after the other.
 */
export async function lockRates(tx: Tx, fiscalYear: number): Promise<FeeRates> {
  await tx
    .insert(feeRates)
    .values({ fiscalYear, ...DEFAULT_FEE_RATES })
    .onConflictDoNothing({ target: feeRates.fiscalYear });
  const [row] = await tx
    .select()
    .from(feeRates)
    .where(eq(feeRates.fiscalYear, fiscalYear))
    .for('update');
  if (!row) throw new Error('rates row vanished under its lock');
  return ratesOfRow(row);
}

/** Whether a payment of the year has been exported: its rates are then frozen. */
export async function ratesFrozen(q: Queryable, fiscalYear: number): Promise<boolean> {
  const [row] = await q
    .select({ id: paymentExports.id })
    .from(paymentExports)
    .where(eq(paymentExports.fiscalYear, fiscalYear))
    .limit(1);
  return row !== undefined;
}

export async function feeRatesBody(q: Queryable, fiscalYear: number): Promise<FeeRatesBody> {
  const [[row], frozen] = await Promise.all([
    q.select().from(feeRates).where(eq(feeRates.fiscalYear, fiscalYear)),
    ratesFrozen(q, fiscalYear),
  ]);
  return {
    fiscalYear,
    label: fiscalYearLabel(fiscalYear),
    ...(row ? ratesOfRow(row) : DEFAULT_FEE_RATES),
    isDefault: row === undefined,
    frozen,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}
