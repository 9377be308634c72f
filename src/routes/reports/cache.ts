import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { reportCache, reportChanges } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';

// A fiscal year's report is computed once and kept in report_cache until something it shows
// changes: triggers add a report_changes row in the same transaction as any such change (to a
// session of that year, or to what every year shows: requests, experts, hours, companies), so
// a late visit report in a closed year makes the next read compute it afresh. The count of
// rows is read in the same snapshot as the report it keys, and rows are only ever added, so a
// cached report is served exactly when no change has been committed since it was computed.
//
// Bump CACHE_VERSION whenever what a report holds or how it is computed changes, so reports
// cached by the code before are not served by the code after.
const CACHE_VERSION = 1;

export async function cachedReport<T>(
  q: Queryable,
  kind: string,
  fiscalYear: number,
  compute: (q: Queryable) => Promise<T>,
): Promise<T> {
  return JSON.parse(await cachedReportJson(q, kind, fiscalYear, compute)) as T;
}

/**
 * The report as the JSON text it is kept as: a large one (a month's payments at national
 * scale, megabytes) is served as it is, without parsing and writing it out again.
 */
export async function cachedReportJson(
  q: Queryable,
  kind: string,
  fiscalYear: number,
  compute: (q: Queryable) => Promise<unknown>,
): Promise<string> {
  const key = `${kind}@${CACHE_VERSION}`;
  const read = await q.transaction(
    async (tx) => {
      const [seen] = await tx
        .select({ changes: count() })
        .from(reportChanges)
        .where(inArray(reportChanges.fiscalYear, [fiscalYear, 0]));
      const changes = seen?.changes ?? 0;
      const [hit] = await tx
        .select({ body: reportCache.body })
        .from(reportCache)
        .where(
          and(
            eq(reportCache.kind, key),
            eq(reportCache.fiscalYear, fiscalYear),
            eq(reportCache.changes, changes),
          ),
        );
      if (hit) return { body: hit.body, changes, fresh: false };
      return { body: JSON.stringify(await compute(tx)), changes, fresh: true };
    },
    { isolationLevel: 'repeatable read' },
  );
  if (read.fresh) {
    // Another process may have stored a report of a later snapshot meanwhile: keep the later.
    await q
      .insert(reportCache)
      .values({ kind: key, fiscalYear, changes: read.changes, body: read.body })
      .onConflictDoUpdate({
        target: [reportCache.kind, reportCache.fiscalYear],
        set: { changes: sql`excluded.changes`, body: sql`excluded.body` },
        setWhere: sql`${reportCache.changes} < excluded.changes`,
      });
  }
  return read.body;
}
