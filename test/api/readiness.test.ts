import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, readiness } from '../../src/db/schema.ts';
import { isHoliday } from '../../src/domain/holidays.ts';
import { addDays, DAY_MS, tokyoDate, tokyoWeekday } from '../../src/domain/time.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { applyAs, applyReceived, book, corporateNumber, jst } from '../support/booking.ts';
import { application, createExpert } from '../support/fixtures.ts';
import { allAt, completeVisit, levels } from '../support/outcomes.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// Readiness over the nine steps: `before` from the application until the first visit begins,
// `after` once the request is completed, changeable for 14 days. The harness clock starts at
// Wed 2026-11-25 09:00 JST and only moves forward.

let api: TestApi;
let expertId: string;
beforeAll(async () => {
  api = await testApi();
  expertId = (await createExpert(api, { maxVisitsPerMonth: 100 })).id;
});
afterAll(() => api.close());

/** 10:00 on the first working day four days from now. */
function visitStart() {
  let date = tokyoDate(api.now().getTime() + 4 * DAY_MS);
  while (tokyoWeekday(date) > 5 || isHoliday(date)) date = addDays(date, 1);
  return jst(date, '10:00');
}

async function booked(applied: { request: { id: string } }) {
  const res = await book(api, applied.request.id, { expertId, start: visitStart() });
  if (res.status !== 201) throw new Error(res.text);
  return res.body as { id: string; start: string };
}

const put = (id: string, token: string | null | undefined, body: unknown) =>
  api.call('PUT', `/v1/requests/${id}/readiness`, { token, body });
const get = (id: string, token?: string | null) =>
  api.call('GET', `/v1/requests/${id}/readiness`, { token });

describe('readiness before the visits', () => {
  it('can be given with the application, and is then the baseline', async () => {
    const before = levels(1, 0, 2, 0, 1, 0, 3, 2, 1);
    const res = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api, {
        company: { ...application(api).company, corporateNumber: corporateNumber() },
        readiness: before,
      }),
    });
    expect(res.status, res.text).toBe(201);
    const read = await get(res.body.request.id, res.body.accessToken);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual({
      requestId: res.body.request.id,
      before: {
        levels: before,
        answeredAt: api.now().toISOString(),
        updatedAt: api.now().toISOString(),
      },
      after: null,
      open: { before: true, after: false },
      editableUntil: { after: null },
    });
    const [event] = await api.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.entityId, res.body.request.id),
          eq(auditEvents.action, 'request.created'),
        ),
      );
    expect(event?.data).toMatchObject({ readiness: before });
  });

  it('refuses a partial or unknown answer at application, naming the step, and creates nothing', async () => {
    const partial = { ...allAt(1) } as Record<string, number>;
    delete partial.electronic;
    const res = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api, { readiness: { ...partial, identify: 4, training: 1.5, audit: 2 } }),
    });
    expectProblem(res, 400, 'validation-failed');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'readiness.audit',
      'readiness.electronic',
      'readiness.identify',
      'readiness.training',
    ]);
    expectFieldError(
      await api.call('POST', '/v1/requests', {
        token: null,
        body: application(api, { readiness: [1, 2, 3] }),
      }),
      'readiness',
    );
  });

  it('is taken and changed until the first visit begins, then refused', async () => {
    const applied = await applyReceived(api);
    const id = applied.request.id;
    const first = await put(id, applied.accessToken, { phase: 'before', levels: allAt(0) });
    expect(first.status, first.text).toBe(200);
    expect(first.body.before.levels).toEqual(allAt(0));
    await api.call('POST', `/v1/requests/${id}/accept`, { body: {} });
    const session = await booked(applied);
    api.setNow(new Date(Date.parse(session.start) - 1));
    const changed = await put(id, applied.accessToken, { phase: 'before', levels: allAt(1) });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.before).toMatchObject({
      levels: allAt(1),
      answeredAt: first.body.before.answeredAt,
      updatedAt: api.now().toISOString(),
    });

    api.setNow(session.start);
    const late = await put(id, applied.accessToken, { phase: 'before', levels: allAt(2) });
    expectProblem(late, 409, 'invalid-transition');
    expect(late.body.detail).toMatch(/until the first visit begins/);
    expect((await get(id)).body).toMatchObject({
      before: { levels: allAt(1) },
      open: { before: false, after: false },
    });
    const actions = await api.db
      .select({ action: auditEvents.action, data: auditEvents.data })
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'request'), eq(auditEvents.entityId, id)))
      .orderBy(asc(auditEvents.id));
    expect(actions.filter((a) => a.action.startsWith('readiness.'))).toEqual([
      { action: 'readiness.given', data: { phase: 'before', levels: allAt(0) } },
      { action: 'readiness.changed', data: { phase: 'before', levels: allAt(1) } },
    ]);
  });

  it('is refused for a declined application', async () => {
    const applied = await applyReceived(api);
    await api.call('POST', `/v1/requests/${applied.request.id}/decline`, {
      body: { reason: '対象外' },
    });
    const res = await put(applied.request.id, applied.accessToken, {
      phase: 'before',
      levels: allAt(0),
    });
    expectProblem(res, 409, 'invalid-transition');
  });
});

describe('readiness after the visits', () => {
  it('is asked once the visit is completed, and locks 14 days after the first answer', async () => {
    const applied = await applyAs(api);
    const id = applied.request.id;
    const session = await booked(applied);
    const early = await put(id, applied.accessToken, { phase: 'after', levels: allAt(2) });
    expectProblem(early, 409, 'invalid-transition');
    expect(early.body.detail).toMatch(/this request is scheduled/);

    await completeVisit(api, session);
    expect((await get(id, applied.accessToken)).body.open).toEqual({ before: false, after: true });
    const first = await put(id, applied.accessToken, { phase: 'after', levels: allAt(2) });
    expect(first.status, first.text).toBe(200);
    const answeredAt = Date.parse(first.body.after.answeredAt);
    expect(first.body.editableUntil.after).toBe(new Date(answeredAt + 14 * DAY_MS).toISOString());

    api.setNow(new Date(answeredAt + 14 * DAY_MS - 1));
    const changed = await put(id, applied.accessToken, { phase: 'after', levels: allAt(3) });
    expect(changed.status, changed.text).toBe(200);
    api.setNow(new Date(answeredAt + 14 * DAY_MS));
    const late = await put(id, applied.accessToken, { phase: 'after', levels: allAt(0) });
    expectProblem(late, 409, 'invalid-transition');
    expect((await get(id)).body).toMatchObject({
      after: { levels: allAt(3) },
      open: { before: false, after: false },
    });
    const [row] = await api.db
      .select()
      .from(readiness)
      .where(and(eq(readiness.requestId, id), eq(readiness.phase, 'after')));
    expect(row).toMatchObject({ identify: 3, electronic: 3 });
  });

  it('can be entered by staff for the company', async () => {
    const applied = await applyAs(api);
    await completeVisit(api, await booked(applied));
    const res = await put(applied.request.id, undefined, { phase: 'after', levels: allAt(1) });
    expect(res.status, res.text).toBe(200);
    const [event] = await api.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.entityId, applied.request.id),
          eq(auditEvents.action, 'readiness.given'),
        ),
      );
    expect(event?.actorRole).toBe('staff');
  });
});

describe('bad input and other callers', () => {
  it('names the phase or the step that is wrong', async () => {
    const applied = await applyReceived(api);
    const id = applied.request.id;
    expectFieldError(
      await put(id, applied.accessToken, { phase: 'during', levels: allAt(1) }),
      'phase',
    );
    expectFieldError(
      await put(id, applied.accessToken, { phase: 'before', levels: { ...allAt(1), access: -1 } }),
      'levels.access',
    );
    expectFieldError(await put(id, applied.accessToken, { phase: 'before' }), 'levels');
    expect(await api.db.select().from(readiness).where(eq(readiness.requestId, id))).toEqual([]);
  });

  it('keeps a request’s readiness from experts (403) and other companies (404)', async () => {
    const applied = await applyReceived(api);
    const other = await applyReceived(api);
    const expertToken = (await issueToken(api, { role: 'expert', expertId })).token;
    expectProblem(await get(applied.request.id, expertToken), 403, 'forbidden');
    expectProblem(await get(applied.request.id, other.accessToken), 404, 'not-found');
    expectProblem(
      await put(applied.request.id, other.accessToken, { phase: 'before', levels: allAt(1) }),
      404,
      'not-found',
    );
  });
});
