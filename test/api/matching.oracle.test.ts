// Exactness of the ranking (issue 19): on random experts and random requests, matches
// and the company's slots are exactly those of the loader and ranking as they stood before it
// (test/support/oracle): same experts, same order, same scores and reasons, same slots.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  busyBlocks,
  calendarFeeds,
  dateOverrides,
  experts,
  requests,
  sessions,
  weeklyHours,
} from '../../src/db/schema.ts';
import type { Database } from '../../src/db/types.ts';
import { bestExpertPerSlot, type RankedMatch, rankMatches } from '../../src/domain/matching.ts';
import { HOUR_MS } from '../../src/domain/time.ts';
import { loadCandidates } from '../../src/routes/requests/candidates.ts';
import { rankRequest } from '../../src/routes/requests/ranking.ts';
import { freshDatabase } from '../support/database.ts';
import { FRESH_DATABASE_MS } from '../support/matching.ts';
import { loadCandidates as oracleLoad } from '../support/oracle/candidates.ts';
import {
  bestExpertPerSlot as oracleBestExpertPerSlot,
  rankMatches as oracleRank,
} from '../support/oracle/matching.ts';
import { type OracleSeed, random, requestRow, seedOracle } from '../support/oracle/seed.ts';

const NOW = new Date('2026-11-10T00:00:00Z');
const SEED = 19;
const REQUESTS = 60;
const config = loadConfig({});

let database: Database;
let seeded: OracleSeed;
beforeAll(async () => {
  database = await freshDatabase();
  seeded = await seedOracle(database.db, SEED, NOW.getTime());
}, FRESH_DATABASE_MS);
afterAll(() => database.close());

async function randomRequests(seed: number) {
  const r = random(seed);
  const rows = Array.from({ length: REQUESTS }, () => {
    const own = r.next() < 0.5;
    // Half the target's applications are still under review: no company record is linked
    // yet, and its visits are found by the corporate number.
    const underReview = own && r.next() < 0.5;
    const companyId = underReview ? null : own ? seeded.target.id : r.pick(seeded.companyIds);
    return requestRow(r, companyId, NOW.getTime(), {
      status: underReview ? 'received' : 'accepted',
      corporateNumber: own ? seeded.target.corporateNumber : null,
      followUpOf: r.next() < 0.3 ? r.pick(seeded.requestIdsWithVisits) : null,
    });
  });
  const inserted = await database.db.insert(requests).values(rows).returning();
  const limits = [1, 3, 20, 200];
  return inserted.map((request, i) => ({
    request,
    corporateNumber: request.corporateNumber,
    limit: limits[i % limits.length] as number,
  }));
}

/** The oracle predates the factors as data: the rest is compared (its reasons say the same). */
const asOracle = (ranked: RankedMatch[]) => ranked.map(({ factors: _, ...rest }) => rest);

/** Each request's matches (top `limit`) and slots equal the oracle's over the data as it is now. */
async function matchesAndSlotsAsOracle(requested: Awaited<ReturnType<typeof randomRequests>>) {
  for (const { request, corporateNumber, limit } of requested) {
    const oracle = await oracleLoad(database.db, request, corporateNumber, NOW, config);
    const expected = oracleRank(oracle.matchRequest, oracle.candidates);
    const top = await rankRequest(database.db, request, corporateNumber, NOW, config, {
      top: limit,
    });
    expect(asOracle(top.ranked)).toEqual(expected.slice(0, limit));
    const every = await rankRequest(database.db, request, corporateNumber, NOW, config, {
      everySlot: true,
    });
    expect(bestExpertPerSlot(every.ranked)).toEqual(oracleBestExpertPerSlot(expected));
  }
}

describe('the ranking gives the oracle’s answers', () => {
  it('matches: the same experts in the same order, with the same scores, reasons and slots', async () => {
    let listed = 0;
    for (const { request, corporateNumber, limit } of await randomRequests(SEED + 1)) {
      const oracle = await oracleLoad(database.db, request, corporateNumber, NOW, config);
      const expected = oracleRank(oracle.matchRequest, oracle.candidates).slice(0, limit);
      const { ranked } = await rankRequest(database.db, request, corporateNumber, NOW, config, {
        top: limit,
      });
      expect(asOracle(ranked), `request ${request.id}, limit ${limit}`).toEqual(expected);
      listed += expected.length;
    }
    // The seed must give the comparison something to compare.
    expect(listed).toBeGreaterThan(REQUESTS * 3);
  });

  it('matches and slots after the experts, their hours and overrides change', async () => {
    const requested = (await randomRequests(SEED + 3)).slice(0, 20);
    const compare = () => matchesAndSlotsAsOracle(requested);
    await compare();
    const some = (await database.db.select().from(experts)).slice(0, 12);
    for (const [i, expert] of some.entries()) {
      if (i % 4 === 0) {
        await database.db
          .update(experts)
          .set({ active: !expert.active })
          .where(eq(experts.id, expert.id));
      } else if (i % 4 === 1) {
        await database.db
          .update(experts)
          .set({ prefectures: ['13', '23', '27'], online: !expert.online })
          .where(eq(experts.id, expert.id));
      } else if (i % 4 === 2) {
        await database.db.delete(weeklyHours).where(eq(weeklyHours.expertId, expert.id));
      } else {
        await database.db.insert(dateOverrides).values({
          expertId: expert.id,
          date: '2026-11-18',
          start: '06:00',
          end: '22:00',
        });
      }
    }
    await compare();
  });

  it('matches and slots after busy time and visits change, read from memory or again', async () => {
    const requested = (await randomRequests(SEED + 4)).slice(0, 16);
    const compare = () => matchesAndSlotsAsOracle(requested);
    // The calendars are in memory after this round; every change below must be seen.
    await compare();
    const first = requested[0]?.request.preferredWindows[0];
    if (!first) throw new Error('no window');
    const windowStart = Date.parse(first.start);
    const feeds = await database.db.select().from(calendarFeeds).limit(6);
    expect(feeds.length).toBeGreaterThan(3);
    for (const [i, feed] of feeds.entries()) {
      if (i % 2 === 0) {
        // A feed sync that finds the expert busy across the first window.
        await database.db.insert(busyBlocks).values({
          feedId: feed.id,
          expertId: feed.expertId,
          start: new Date(windowStart - HOUR_MS),
          end: new Date(windowStart + 30 * HOUR_MS),
        });
      } else {
        // One that finds the calendar emptied.
        await database.db.delete(busyBlocks).where(eq(busyBlocks.feedId, feed.id));
      }
    }
    const visits = await database.db
      .select()
      .from(sessions)
      .where(eq(sessions.status, 'confirmed'))
      .limit(8);
    expect(visits.length).toBeGreaterThan(3);
    for (const [i, visit] of visits.entries()) {
      if (i % 2 === 0) {
        await database.db
          .update(sessions)
          .set({ status: 'cancelled' })
          .where(eq(sessions.id, visit.id));
      } else {
        // Moved onto the first window, blocking it with its buffers.
        const start = new Date(windowStart + (i + 1) * HOUR_MS);
        const end = new Date(start.getTime() + (visit.end.getTime() - visit.start.getTime()));
        const buffer = visit.start.getTime() - visit.blockedFrom.getTime();
        await database.db
          .update(sessions)
          .set({
            start,
            end,
            blockedFrom: new Date(start.getTime() - buffer),
            blockedTo: new Date(end.getTime() + buffer),
          })
          .where(eq(sessions.id, visit.id));
      }
    }
    await compare();
  });

  it('slots: every start, each with the best-ranked expert free then', async () => {
    let offered = 0;
    for (const { request, corporateNumber } of await randomRequests(SEED + 2)) {
      const oracle = await oracleLoad(database.db, request, corporateNumber, NOW, config);
      const expected = oracleBestExpertPerSlot(oracleRank(oracle.matchRequest, oracle.candidates));
      const { ranked } = await rankRequest(database.db, request, corporateNumber, NOW, config, {
        everySlot: true,
      });
      expect(bestExpertPerSlot(ranked), `request ${request.id}`).toEqual(expected);
      offered += expected.length;
    }
    expect(offered).toBeGreaterThan(REQUESTS * 10);
  });

  it('a visit being moved: its expert’s slots, the visit itself neither busy nor counted', async () => {
    const moving = await database.db
      .select()
      .from(sessions)
      .where(eq(sessions.status, 'confirmed'))
      .limit(15);
    expect(moving.length).toBeGreaterThan(5);
    for (const session of moving) {
      const [request] = await database.db
        .select()
        .from(requests)
        .where(eq(requests.id, session.requestId));
      if (!request) throw new Error('no request');
      const options = { expertId: session.expertId, replacing: session.id };
      const oracle = await oracleLoad(database.db, request, null, NOW, config, options);
      const now = await loadCandidates(database.db, request, null, NOW, config, options);
      expect(asOracle(rankMatches(now.matchRequest, now.candidates))).toEqual(
        oracleRank(oracle.matchRequest, oracle.candidates),
      );
    }
  });
});
