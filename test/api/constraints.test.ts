import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies, experts, requests, sessions } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { failureOf } from '../support/sql.ts';

// Invariants 1 and 2 of PRODUCT.md are held by Postgres itself (EXCLUDE USING gist), so they
// are tested here with plain SQL inserts that bypass the API entirely, on both engines.

const EXCLUSION = '23P01';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

let day = 0;
/** A fresh calendar day for each test, so the tests' sessions never meet. */
function nextDay() {
  day += 1;
  const date = new Date(Date.UTC(2027, 0, day));
  return (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return new Date(date.getTime() + ((h ?? 0) * 60 + (m ?? 0)) * 60_000);
  };
}

async function company() {
  const [row] = await api.db
    .insert(companies)
    .values({
      name: '株式会社制約',
      industryCode: 'E24',
      prefectureCode: '23',
      employees: 10,
      capitalYen: 1_000_000,
      isSme: true,
    })
    .returning();
  if (!row) throw new Error('no company');
  const [request] = await api.db
    .insert(requests)
    .values({
      companyId: row.id,
      companyName: row.name,
      industryCode: 'E24',
      prefectureCode: '23',
      employees: 10,
      capitalYen: 1_000_000,
      isSme: true,
      contactName: '担当',
      contactEmail: 'a@example.jp',
      format: 'onsite',
      durationMinutes: 120,
      preferredWindows: [],
      fiscalYear: 2026,
      status: 'accepted',
    })
    .returning();
  if (!request) throw new Error('no request');
  return { companyId: row.id, requestId: request.id };
}

async function expert() {
  const [row] = await api.db
    .insert(experts)
    .values({ name: '専門家', email: 'e@example.jp' })
    .returning();
  if (!row) throw new Error('no expert');
  return row.id;
}

type Session = {
  of: { companyId: string; requestId: string };
  expertId: string;
  start: Date;
  end: Date;
  bufferMinutes?: number;
  status?: (typeof sessions.$inferInsert)['status'];
};

function insertSession({ of, expertId, start, end, bufferMinutes = 0, status }: Session) {
  const buffer = bufferMinutes * 60_000;
  return api.db
    .insert(sessions)
    .values({
      requestId: of.requestId,
      companyId: of.companyId,
      expertId,
      start,
      end,
      format: bufferMinutes > 0 ? 'onsite' : 'online',
      travelBufferMinutes: bufferMinutes,
      blockedFrom: new Date(start.getTime() - buffer),
      blockedTo: new Date(end.getTime() + buffer),
      ...(status ? { status } : {}),
    })
    .returning({ id: sessions.id });
}

describe('one expert, two active sessions (invariant 1)', () => {
  it('an overlapping second session is refused with SQLSTATE 23P01', async () => {
    const at = nextDay();
    const expertId = await expert();
    await insertSession({ of: await company(), expertId, start: at('10:00'), end: at('12:00') });
    const state = await failureOf(async () =>
      insertSession({ of: await company(), expertId, start: at('11:00'), end: at('13:00') }),
    );
    expect(state).toBe(EXCLUSION);
    const rows = await api.db.select().from(sessions).where(eq(sessions.expertId, expertId));
    expect(rows).toHaveLength(1);
  });

  it('one inside another is refused', async () => {
    const at = nextDay();
    const expertId = await expert();
    await insertSession({ of: await company(), expertId, start: at('09:00'), end: at('17:00') });
    const state = await failureOf(async () =>
      insertSession({ of: await company(), expertId, start: at('12:00'), end: at('13:00') }),
    );
    expect(state).toBe(EXCLUSION);
  });

  it('touching sessions, [10:00,12:00) and [12:00,14:00), are allowed', async () => {
    const at = nextDay();
    const expertId = await expert();
    await insertSession({ of: await company(), expertId, start: at('10:00'), end: at('12:00') });
    const state = await failureOf(async () =>
      insertSession({ of: await company(), expertId, start: at('12:00'), end: at('14:00') }),
    );
    expect(state).toBeUndefined();
  });

  it('the travel buffer counts: visits that do not meet still clash on their blocked ranges', async () => {
    const at = nextDay();
    const expertId = await expert();
    // Blocked 09:00–13:00.
    await insertSession({
      of: await company(),
      expertId,
      start: at('10:00'),
      end: at('12:00'),
      bufferMinutes: 60,
    });
    const clash = await failureOf(async () =>
      insertSession({ of: await company(), expertId, start: at('12:30'), end: at('14:00') }),
    );
    expect(clash).toBe(EXCLUSION);
    const after = await failureOf(async () =>
      insertSession({ of: await company(), expertId, start: at('13:00'), end: at('14:00') }),
    );
    expect(after).toBeUndefined();
  });

  it('a cancelled or no-show session may overlap; a completed one may not', async () => {
    const at = nextDay();
    const expertId = await expert();
    const slot = { expertId, start: at('10:00'), end: at('12:00') };
    await insertSession({ ...slot, of: await company(), status: 'cancelled' });
    await insertSession({ ...slot, of: await company(), status: 'no_show' });
    await insertSession({ ...slot, of: await company(), status: 'completed' });
    const state = await failureOf(async () => insertSession({ ...slot, of: await company() }));
    expect(state).toBe(EXCLUSION);
  });

  it('a cancelled session cannot be revived into an overlap', async () => {
    const at = nextDay();
    const expertId = await expert();
    const slot = { expertId, start: at('10:00'), end: at('12:00') };
    const [cancelled] = await insertSession({ ...slot, of: await company(), status: 'cancelled' });
    await insertSession({ ...slot, of: await company() });
    const state = await failureOf(() =>
      api.db
        .update(sessions)
        .set({ status: 'confirmed' })
        .where(eq(sessions.id, cancelled?.id ?? '')),
    );
    expect(state).toBe(EXCLUSION);
  });

  it('two experts may be busy at the same time', async () => {
    const at = nextDay();
    const slot = { start: at('10:00'), end: at('12:00') };
    await insertSession({ ...slot, of: await company(), expertId: await expert() });
    const state = await failureOf(async () =>
      insertSession({ ...slot, of: await company(), expertId: await expert() }),
    );
    expect(state).toBeUndefined();
  });
});

describe('one company, two active sessions (invariant 2)', () => {
  it('overlapping visits by two experts are refused with SQLSTATE 23P01', async () => {
    const at = nextDay();
    const of = await company();
    await insertSession({ of, expertId: await expert(), start: at('10:00'), end: at('12:00') });
    const state = await failureOf(async () =>
      insertSession({ of, expertId: await expert(), start: at('11:30'), end: at('13:00') }),
    );
    expect(state).toBe(EXCLUSION);
  });

  it('compares the visits, not the experts’ travel buffers; touching visits are allowed', async () => {
    const at = nextDay();
    const of = await company();
    const first = { of, start: at('10:00'), end: at('12:00'), bufferMinutes: 60 };
    await insertSession({ ...first, expertId: await expert() });
    const state = await failureOf(async () =>
      insertSession({
        of,
        expertId: await expert(),
        start: at('12:00'),
        end: at('14:00'),
        bufferMinutes: 60,
      }),
    );
    expect(state).toBeUndefined();
  });

  it('a cancelled visit may overlap', async () => {
    const at = nextDay();
    const of = await company();
    const slot = { of, start: at('10:00'), end: at('12:00') };
    await insertSession({ ...slot, expertId: await expert(), status: 'cancelled' });
    const state = await failureOf(async () => insertSession({ ...slot, expertId: await expert() }));
    expect(state).toBeUndefined();
  });
});

describe('row checks', () => {
  it('a session must start before it ends (23514)', async () => {
    const at = nextDay();
    const state = await failureOf(async () =>
      insertSession({
        of: await company(),
        expertId: await expert(),
        start: at('12:00'),
        end: at('12:00'),
      }),
    );
    expect(state).toBe('23514');
  });

  it('a corporate number must be 13 digits (23514), and unique (23505)', async () => {
    const base = {
      name: 'x',
      industryCode: 'E',
      prefectureCode: '13',
      employees: 1,
      capitalYen: 1,
      isSme: true,
    };
    expect(
      await failureOf(() => api.db.insert(companies).values({ ...base, corporateNumber: '123' })),
    ).toBe('23514');
    await api.db.insert(companies).values({ ...base, corporateNumber: '4011001098993' });
    expect(
      await failureOf(() =>
        api.db.insert(companies).values({ ...base, corporateNumber: '4011001098993' }),
      ),
    ).toBe('23505');
  });
});
