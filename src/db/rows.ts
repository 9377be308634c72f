import type { SQL } from 'drizzle-orm';
import type { Queryable } from './types.ts';

/** The rows of a raw statement: PGlite answers with {rows}, postgres.js with the rows themselves. */
export async function rowsOf<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result: unknown = await q.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
