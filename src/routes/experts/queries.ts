import { and, asc, eq, inArray } from 'drizzle-orm';
import { audit } from '../../db/audit.ts';
import { dateOverrides, experts, weeklyHours } from '../../db/schema.ts';
import type { Queryable, Tx } from '../../db/types.ts';
import type { Availability, DateOverride, WeeklyHours } from '../../domain/availability.ts';
import { notFound } from '../../http/errors.ts';
import type { ExpertBody } from './schema.ts';

type ExpertRow = typeof experts.$inferSelect;

// Postgres hands `time` back as HH:MM:SS; the API speaks HH:MM.
const hhmm = (time: string) => time.slice(0, 5);

type WeeklyRow = Pick<typeof weeklyHours.$inferSelect, 'expertId' | 'weekday' | 'start' | 'end'>;
type OverrideRow = Pick<typeof dateOverrides.$inferSelect, 'expertId' | 'date' | 'start' | 'end'>;

/** Groups stored hours and override rows into each expert's Availability. */
export function availabilityFromRows(
  expertIds: string[],
  weekly: WeeklyRow[],
  overrides: OverrideRow[],
): Map<string, Availability> {
  const result = new Map(
    expertIds.map((id) => [id, { weekly: [] as WeeklyHours[], overrides: [] as DateOverride[] }]),
  );
  for (const w of weekly) {
    result
      .get(w.expertId)
      ?.weekly.push({ weekday: w.weekday, start: hhmm(w.start), end: hhmm(w.end) });
  }
  for (const o of overrides) {
    result
      .get(o.expertId)
      ?.overrides.push(
        o.start && o.end
          ? { date: o.date, available: true, start: hhmm(o.start), end: hhmm(o.end) }
          : { date: o.date, available: false },
      );
  }
  return result;
}

/** Weekly hours and overrides of several experts in two queries. */
export async function loadAvailability(
  q: Queryable,
  expertIds: string[],
): Promise<Map<string, Availability>> {
  if (expertIds.length === 0) return new Map();
  const [weekly, overrides] = await Promise.all([
    q
      .select()
      .from(weeklyHours)
      .where(inArray(weeklyHours.expertId, expertIds))
      .orderBy(asc(weeklyHours.weekday), asc(weeklyHours.start)),
    q
      .select()
      .from(dateOverrides)
      .where(inArray(dateOverrides.expertId, expertIds))
      .orderBy(asc(dateOverrides.date), asc(dateOverrides.start)),
  ]);
  return availabilityFromRows(expertIds, weekly, overrides);
}

export function presentExpert(row: ExpertRow, availability: Availability): ExpertBody {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    affiliation: row.affiliation,
    industries: row.industries,
    tags: row.tags,
    topics: row.topics,
    prefectures: row.prefectures,
    online: row.online,
    languages: row.languages,
    maxVisitsPerMonth: row.maxVisitsPerMonth,
    travelBufferMinutes: row.travelBufferMinutes,
    conflicts: row.conflicts,
    certificationBodyId: row.certificationBodyId as ExpertBody['certificationBodyId'],
    active: row.active,
    feeExempt: row.feeExempt,
    availability: {
      weekly: [...availability.weekly],
      overrides: [...availability.overrides],
    },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function loadExperts(q: Queryable, rows: ExpertRow[]): Promise<ExpertBody[]> {
  const availability = await loadAvailability(
    q,
    rows.map((r) => r.id),
  );
  return rows.map((r) => presentExpert(r, availability.get(r.id) ?? { weekly: [], overrides: [] }));
}

export async function expertById(q: Queryable, id: string, forUpdate = false): Promise<ExpertRow> {
  const query = q.select().from(experts).where(eq(experts.id, id));
  const [row] = await (forUpdate ? query.for('no key update') : query);
  if (!row) throw notFound('Expert');
  return row;
}

/** Replaces an expert's weekly hours and overrides wholesale, in the caller's transaction. */
export async function replaceAvailability(
  tx: Tx,
  expertId: string,
  availability: Availability,
  actor: { role: string; id: string | null },
  at: Date,
): Promise<void> {
  await expertById(tx, expertId, true);
  await tx.delete(weeklyHours).where(eq(weeklyHours.expertId, expertId));
  await tx.delete(dateOverrides).where(and(eq(dateOverrides.expertId, expertId)));
  if (availability.weekly.length > 0) {
    await tx.insert(weeklyHours).values(
      availability.weekly.map((w) => ({
        expertId,
        weekday: w.weekday,
        start: w.start,
        end: w.end,
      })),
    );
  }
  if (availability.overrides.length > 0) {
    await tx.insert(dateOverrides).values(
      availability.overrides.map((o) => ({
        expertId,
        date: o.date,
        start: o.available ? o.start : null,
        end: o.available ? o.end : null,
      })),
    );
  }
  await audit(tx, {
    at,
    actor,
    action: 'expert.availability-replaced',
    entityType: 'expert',
    entityId: expertId,
    data: { weekly: availability.weekly.length, overrides: availability.overrides.length },
  });
}
