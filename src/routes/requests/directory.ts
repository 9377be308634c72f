import { count, eq, sql } from 'drizzle-orm';
import { dateOverrides, experts, reportChanges, weeklyHours } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';

export type ExpertRow = typeof experts.$inferSelect;

/**
 * Every expert with their weekly hours and date overrides, as matching reads them for each
 * request: at national scale, reading them (10,000 experts, 50,000 rows of hours) took more
 * than everything else a request reads. They change seldom, and every change to them adds a
 * report_changes row of year 0 in its own transaction (migration 0004); rows are only ever
 * added, so while a process counts as many such rows as when it read the directory, nothing
 * in it has changed, and it is used again.
 */
export type Directory = {
  changes: number;
  experts: readonly ExpertRow[];
  /** Expert id → weekly hours as 'weekday HH:MM HH:MM' joined by ','. */
  hours: ReadonlyMap<string, string>;
  /** Expert id → overrides in date order, each 'YYYY-MM-DD HH:MM HH:MM' or '… closed'. */
  overrides: ReadonlyMap<string, readonly string[]>;
};

// One per database handle: a process may hold several (tests), each its own data.
const directories = new WeakMap<object, Directory>();

/** The copy this process last read, current or not: check it with changesSeen. */
export function lastDirectory(q: Queryable): Directory | undefined {
  return directories.get(q);
}

/** The experts and their hours as they are now, read afresh. */
export async function readDirectory(q: Queryable): Promise<Directory> {
  const fresh = await q.transaction(
    async (tx) => {
      const [changes, rows, hours, overrides] = [
        await changesSeen(tx),
        await tx.select().from(experts),
        await tx
          .select({
            expertId: weeklyHours.expertId,
            hours: sql<string>`string_agg(${weeklyHours.weekday}::text || ' ' || left(${weeklyHours.start}::text, 5) || ' ' || left(${weeklyHours.end}::text, 5), ',' order by ${weeklyHours.weekday}, ${weeklyHours.start})`,
          })
          .from(weeklyHours)
          .groupBy(weeklyHours.expertId),
        await tx
          .select({
            expertId: dateOverrides.expertId,
            days: sql<string>`string_agg(${dateOverrides.date}::text || ' ' || coalesce(left(${dateOverrides.start}::text, 5) || ' ' || left(${dateOverrides.end}::text, 5), 'closed'), ',' order by ${dateOverrides.date}, ${dateOverrides.start})`,
          })
          .from(dateOverrides)
          .groupBy(dateOverrides.expertId),
      ];
      return {
        changes,
        experts: rows,
        hours: new Map(hours.map((h) => [h.expertId, h.hours])),
        overrides: new Map(overrides.map((o) => [o.expertId, o.days.split(',')])),
      };
    },
    { isolationLevel: 'repeatable read' },
  );
  directories.set(q, fresh);
  return fresh;
}

/** How many year-0 changes have been committed: a copy read at another count is stale. */
export async function changesSeen(q: Queryable): Promise<number> {
  const [seen] = await q
    .select({ changes: count() })
    .from(reportChanges)
    .where(eq(reportChanges.fiscalYear, 0));
  return seen?.changes ?? 0;
}
