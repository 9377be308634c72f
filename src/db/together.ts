import { sqlState } from './errors.ts';

const IN_FAILED_TRANSACTION = '25P02';

/**
 * Waits for statements of one transaction that were sent together, without waiting for each
 * other: postgres.js pipelines them, so they cost one round trip. They must not depend on
 * one another's effects. Once one fails Postgres refuses the rest ("current transaction is
 * aborted"), so the caller gets the failure that caused it, whatever order they ran in.
 */
export async function together<T extends readonly unknown[]>(
  ...statements: { [K in keyof T]: PromiseLike<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(statements);
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length > 0) {
    throw failures.find((e) => sqlState(e) !== IN_FAILED_TRANSACTION) ?? failures[0];
  }
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
