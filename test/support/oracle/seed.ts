import { eq } from 'drizzle-orm';
import {
  busyBlocks,
  calendarFeeds,
  companies,
  dateOverrides,
  experts,
  requests,
  sessions,
  weeklyHours,
} from '../../../src/db/schema.ts';
import type { Db } from '../../../src/db/types.ts';
import { topicCodes } from '../../../src/domain/topics.ts';
import { corporateNumber } from '../matching.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A small deterministic PRNG (mulberry32), so a failing seed can be run again. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)] as T;
  const some = <T>(list: readonly T[], p: number): T[] => list.filter(() => next() < p);
  return { next, int, pick, some };
}

type Random = ReturnType<typeof random>;

const INDUSTRIES = ['E24', 'E26', 'E28', 'E', 'G', 'D', 'I', 'E31'];
const TAGS = ['all-industries', 'manufacturing', 'die-mould', 'aerospace-defence'];
const PREFECTURES = ['13', '23', '27', '01'];
const HOURS: { weekday: number; start: string; end: string }[][] = [
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
  [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '10:00', end: '18:30' })),
  [2, 4].map((weekday) => ({ weekday, start: '13:00', end: '20:00' })),
  [1, 3, 5].flatMap((weekday) => [
    { weekday, start: '09:00', end: '12:00' },
    { weekday, start: '13:00', end: '17:00' },
  ]),
  [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  [],
];

/** A company's instant as the API would store it: whole minutes, from a Tokyo day and hour. */
function at(now: number, day: number, hour: number): Date {
  const midnight = Math.floor((now + 9 * HOUR_MS) / DAY_MS) * DAY_MS - 9 * HOUR_MS;
  return new Date(midnight + day * DAY_MS + hour * HOUR_MS);
}

export type OracleSeed = {
  target: { id: string; corporateNumber: string };
  companyIds: string[];
  requestIdsWithVisits: string[];
};

/**
 * Experts of every shape matching meets (hours, overrides, busy blocks, sessions in all
 * statuses, monthly caps low enough to bite, buffers, conflicts), and one target company with
 * visits of its own, all drawn from `seed`.
 */
export async function seedOracle(
  db: Db,
  seed: number,
  now: number,
  count = 60,
): Promise<OracleSeed> {
  const r = random(seed);
  const target = {
    id: crypto.randomUUID(),
    corporateNumber: corporateNumber(900_000_000_000 + seed),
  };
  await db.insert(companies).values({
    id: target.id,
    corporateNumber: target.corporateNumber,
    name: '株式会社オラクル',
    industryCode: 'E24',
    prefectureCode: '23',
    employees: 50,
    capitalYen: 10_000_000,
    isSme: true,
  });
  const expertRows = Array.from({ length: count }, (_, i) => ({
    id: crypto.randomUUID(),
    name: `専門家 ${i}`,
    email: `e${i}@oracle.example`,
    industries: r.some(INDUSTRIES, 0.25),
    tags: r.some(TAGS, 0.2),
    topics: r.some(topicCodes, 0.5),
    prefectures: r.some(PREFECTURES, 0.4),
    online: r.next() < 0.6,
    maxVisitsPerMonth: r.int(1, 6),
    travelBufferMinutes: r.pick([0, 30, 60, 120]),
    conflicts: r.next() < 0.1 ? [target.corporateNumber] : [],
    active: r.next() < 0.92,
  }));
  await db.insert(experts).values(expertRows);

  const weekly = expertRows.flatMap((e) => r.pick(HOURS).map((h) => ({ expertId: e.id, ...h })));
  if (weekly.length) await db.insert(weeklyHours).values(weekly);
  const overrides = expertRows.flatMap((e) =>
    Array.from({ length: r.int(0, 3) }, (_, k) => {
      const date = at(now, 3 + k * 7 + r.int(0, 6), 12)
        .toISOString()
        .slice(0, 10);
      return r.next() < 0.5
        ? { expertId: e.id, date, start: null, end: null }
        : { expertId: e.id, date, start: r.pick(['08:00', '10:00', '13:00']), end: '16:00' };
    }),
  );
  if (overrides.length) await db.insert(dateOverrides).values(overrides);

  const feeds = expertRows.map((e) => ({
    id: crypto.randomUUID(),
    expertId: e.id,
    url: `https://calendar.example/${e.id}.ics`,
  }));
  await db.insert(calendarFeeds).values(feeds);
  const blocks = feeds.flatMap((f) =>
    Array.from({ length: r.int(0, 40) }, () => {
      const start = at(now, r.int(2, 40), r.int(0, 46) / 2);
      return {
        feedId: f.id,
        expertId: f.expertId,
        start,
        end: new Date(+start + r.int(1, 8) * 30 * 60_000),
      };
    }),
  );
  if (blocks.length) await db.insert(busyBlocks).values(blocks);

  // Sessions: each on its own day for its expert, each of its own company and request, save a
  // few of the target company's, which keep to days of their own.
  const companyIds: string[] = [];
  const requestIdsWithVisits: string[] = [];
  const targetDays = new Set<number>();
  for (const e of expertRows) {
    const days = new Set<number>();
    for (let k = r.int(0, 10); k > 0; k--) {
      const day = r.int(-150, 60);
      if (days.has(day)) continue;
      days.add(day);
      const forTarget = day > 0 && !targetDays.has(day) && r.next() < 0.15;
      if (forTarget) targetDays.add(day);
      const companyId = forTarget ? target.id : crypto.randomUUID();
      if (!forTarget) {
        companyIds.push(companyId);
        await db.insert(companies).values({
          id: companyId,
          name: `会社 ${companyIds.length}`,
          industryCode: r.pick(INDUSTRIES),
          prefectureCode: r.pick(PREFECTURES),
          employees: 30,
          capitalYen: 5_000_000,
          isSme: true,
        });
      }
      const start = at(now, day, r.int(16, 38) / 2);
      const end = new Date(+start + r.int(2, 6) * 30 * 60_000);
      const format = r.pick(['onsite', 'online'] as const);
      const buffer = format === 'onsite' ? e.travelBufferMinutes : 0;
      const status =
        day < 0
          ? r.pick(['completed', 'completed', 'cancelled', 'no_show'] as const)
          : r.pick(['confirmed', 'confirmed', 'confirmed', 'cancelled'] as const);
      const [request] = await db
        .insert(requests)
        .values(
          requestRow(r, companyId, now, {
            status: status === 'completed' ? 'completed' : 'scheduled',
          }),
        )
        .returning({ id: requests.id });
      if (!request) throw new Error('no request');
      if (status === 'confirmed' || status === 'completed') requestIdsWithVisits.push(request.id);
      await db.insert(sessions).values({
        requestId: request.id,
        expertId: e.id,
        companyId,
        start,
        end,
        format,
        travelBufferMinutes: buffer,
        blockedFrom: new Date(+start - buffer * 60_000),
        blockedTo: new Date(+end + buffer * 60_000),
        status,
      });
    }
  }
  await churn(db, r, now);
  return { target, companyIds, requestIdsWithVisits };
}

/**
 * Cancels, completes, reopens and moves some sessions, so whatever matching keeps up to date
 * as sessions change is put through updates as well as inserts.
 */
async function churn(db: Db, r: Random, now: number) {
  const all = await db.select().from(sessions);
  let moved = 0;
  for (const session of all) {
    const roll = r.next();
    if (roll < 0.08) {
      await db.update(sessions).set({ status: 'cancelled' }).where(eq(sessions.id, session.id));
    } else if (roll < 0.12 && session.status === 'cancelled') {
      await db.update(sessions).set({ status: 'confirmed' }).where(eq(sessions.id, session.id));
    } else if (roll < 0.16) {
      // To a day of its own, far from every other session.
      moved += 1;
      const start = at(now, r.pick([-200, 200]) - moved, 10);
      const shift = +start - +session.start;
      await db
        .update(sessions)
        .set({
          start,
          end: new Date(+session.end + shift),
          blockedFrom: new Date(+session.blockedFrom + shift),
          blockedTo: new Date(+session.blockedTo + shift),
        })
        .where(eq(sessions.id, session.id));
    } else if (roll < 0.18 && session.status === 'confirmed') {
      // A visit moved into a month where the expert is near the cap.
      const start = at(now, r.int(3, 40) + 0.5, 0);
      const clash = all.some(
        (o) =>
          (o.expertId === session.expertId || o.companyId === session.companyId) &&
          Math.abs(+o.start - +start) < 2 * DAY_MS,
      );
      if (clash) continue;
      const shift = +start - +session.start;
      await db
        .update(sessions)
        .set({
          start,
          end: new Date(+session.end + shift),
          blockedFrom: new Date(+session.blockedFrom + shift),
          blockedTo: new Date(+session.blockedTo + shift),
        })
        .where(eq(sessions.id, session.id));
      session.start = start;
    }
  }
}

/** A random application of `companyId`, its windows anywhere from today to past the horizon. */
export function requestRow(
  r: Random,
  companyId: string | null,
  now: number,
  fields: Partial<typeof requests.$inferInsert> = {},
): typeof requests.$inferInsert {
  const windows = Array.from({ length: r.int(1, 3) }, () => {
    const start = at(now, r.int(1, 92), r.pick([0, 9, 10.5, 13]));
    return {
      start: start.toISOString(),
      end: new Date(+start + r.pick([4, 8, 30, 54, 120]) * HOUR_MS).toISOString(),
    };
  });
  return {
    companyId,
    companyName: '申請会社',
    industryCode: r.pick(INDUSTRIES),
    prefectureCode: r.pick(PREFECTURES),
    employees: 40,
    capitalYen: 20_000_000,
    isSme: true,
    contactName: '担当 太郎',
    contactEmail: 'contact@oracle.example',
    topics: r.some(topicCodes, 0.3),
    format: r.pick(['onsite', 'online', 'either'] as const),
    durationMinutes: r.pick([60, 90, 120, 180, 240]),
    preferredWindows: windows,
    // Linked to its company record: the office has accepted it.
    status: 'accepted',
    fiscalYear: 2026,
    ...fields,
  };
}
