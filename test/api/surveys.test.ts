import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, surveys } from '../../src/db/schema.ts';
import { isHoliday } from '../../src/domain/holidays.ts';
import { addDays, DAY_MS, tokyoDate, tokyoWeekday } from '../../src/domain/time.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { bookedVisit, jst } from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { completeVisit, survey } from '../support/outcomes.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// The company's survey of a completed visit: one per visit, changeable for 14 days from the
// first answer, then locked; the expert rating is the office's alone. The harness clock
// starts at Wed 2026-11-25 09:00 JST and only moves forward.

let api: TestApi;
let expertId: string;
beforeAll(async () => {
  api = await testApi();
  expertId = (await createExpert(api, { maxVisitsPerMonth: 100 })).id;
});
afterAll(() => api.close());

/** A visit of a company of its own at 10:00 on the first working day four days from now. */
async function visit() {
  let date = tokyoDate(api.now().getTime() + 4 * DAY_MS);
  while (tokyoWeekday(date) > 5 || isHoliday(date)) date = addDays(date, 1);
  return bookedVisit(api, jst(date, '10:00'), { expertId });
}

async function completed() {
  const booked = await visit();
  await completeVisit(api, booked.session);
  return booked;
}

const send = (sessionId: string, token: string | null | undefined, body: unknown = survey()) =>
  api.call('POST', `/v1/sessions/${sessionId}/survey`, { token, body });
const read = (sessionId: string, token?: string | null) =>
  api.call('GET', `/v1/sessions/${sessionId}/survey`, { token });

describe('answering the survey', () => {
  it('is refused before the visit is completed, and open once it is', async () => {
    const booked = await visit();
    const before = await read(booked.session.id, booked.companyToken);
    expect(before.status, before.text).toBe(200);
    expect(before.body).toEqual({
      sessionId: booked.session.id,
      open: false,
      editableUntil: null,
      submittedAt: null,
      updatedAt: null,
      answers: null,
    });
    const early = await send(booked.session.id, booked.companyToken);
    expectProblem(early, 409, 'invalid-transition');
    expect(early.body.detail).toMatch(/completed visit/);

    await completeVisit(api, booked.session);
    expect((await read(booked.session.id, booked.companyToken)).body.open).toBe(true);
  });

  it('takes the answers once (201), stores them and audits them without the rating', async () => {
    const booked = await completed();
    const res = await send(booked.session.id, booked.companyToken);
    expect(res.status, res.text).toBe(201);
    const now = api.now();
    expect(res.body).toEqual({
      sessionId: booked.session.id,
      open: true,
      editableUntil: new Date(now.getTime() + 14 * 86_400_000).toISOString(),
      submittedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      answers: {
        satisfaction: 4,
        resolved: 'partly',
        wantsMore: true,
        comment: '管理規程の雛形が役に立ちました。',
      },
    });
    const [row] = await api.db
      .select()
      .from(surveys)
      .where(eq(surveys.sessionId, booked.session.id));
    expect(row).toMatchObject({ satisfaction: 4, expertRating: 5, firstSubmittedAt: now });
    const events = await api.db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.entityType, 'session'), eq(auditEvents.entityId, booked.session.id)),
      )
      .orderBy(asc(auditEvents.id));
    expect(events.at(-1)).toMatchObject({
      action: 'survey.submitted',
      actorRole: 'company',
      data: { satisfaction: 4, resolved: 'partly', wantsMore: true },
    });
    expect(JSON.stringify(events.at(-1)?.data)).not.toMatch(/expertRating|役に立ちました/);
  });

  it('takes only the comment and the rating as optional', async () => {
    const booked = await completed();
    const res = await send(booked.session.id, booked.companyToken, {
      satisfaction: 2,
      resolved: 'no',
      wantsMore: false,
    });
    expect(res.status, res.text).toBe(201);
    const staff = await read(booked.session.id);
    expect(staff.body.answers).toEqual({
      satisfaction: 2,
      resolved: 'no',
      wantsMore: false,
      comment: '',
      expertRating: null,
    });
  });

  it('refuses bad answers with 400 naming each field, and stores nothing', async () => {
    const booked = await completed();
    const id = booked.session.id;
    for (const [field, value] of [
      ['satisfaction', 6],
      ['satisfaction', 3.5],
      ['satisfaction', '5'],
      ['resolved', 'maybe'],
      ['wantsMore', 'yes'],
      ['expertRating', 0],
      ['comment', 'a\u0007b'],
      ['comment', 'あ'.repeat(2001)],
    ] as const) {
      expectFieldError(await send(id, booked.companyToken, survey({ [field]: value })), field);
    }
    const none = await send(id, booked.companyToken, {});
    expect(none.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'satisfaction',
      'resolved',
      'wantsMore',
    ]);
    expectFieldError(await send(id, booked.companyToken, survey({ score: 5 })), 'score');
    expect(await api.db.select().from(surveys).where(eq(surveys.sessionId, id))).toEqual([]);
  });
});

describe('changing the survey', () => {
  it('replaces every answer for 14 days (200), then locks it (409), keeping the last answers', async () => {
    const booked = await completed();
    const id = booked.session.id;
    const first = await send(id, booked.companyToken);
    const sentAt = Date.parse(first.body.submittedAt);

    api.setNow(new Date(sentAt + 14 * 86_400_000 - 1));
    const changed = await send(id, booked.companyToken, survey({ satisfaction: 5, comment: '' }));
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({
      submittedAt: first.body.submittedAt,
      updatedAt: api.now().toISOString(),
      editableUntil: first.body.editableUntil,
      answers: { satisfaction: 5, comment: '' },
    });

    api.setNow(new Date(sentAt + 14 * 86_400_000));
    const late = await send(id, booked.companyToken, survey({ satisfaction: 1 }));
    expectProblem(late, 409, 'invalid-transition');
    expect(late.body.detail).toBe(
      `The survey could be changed for 14 days, until ${first.body.editableUntil}`,
    );
    const kept = await read(id, booked.companyToken);
    expect(kept.body).toMatchObject({ open: false, answers: { satisfaction: 5 } });
    const actions = await api.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.entityId, id))
      .orderBy(asc(auditEvents.id));
    expect(actions.map((a) => a.action).filter((a) => a.startsWith('survey.'))).toEqual([
      'survey.submitted',
      'survey.changed',
    ]);
  });
});

describe('who sees what', () => {
  it('shows the expert rating to staff only, never to the company that gave it', async () => {
    const booked = await completed();
    await send(booked.session.id, booked.companyToken, survey({ expertRating: 2 }));
    const staff = await read(booked.session.id);
    expect(staff.body.answers.expertRating).toBe(2);
    const company = await read(booked.session.id, booked.companyToken);
    expect(company.status).toBe(200);
    expect(company.body.answers).not.toHaveProperty('expertRating');
    expect(company.text).not.toMatch(/expertRating/);
    // Nor in the answer to its own POST.
    const again = await send(booked.session.id, booked.companyToken, survey({ expertRating: 1 }));
    expect(again.text).not.toMatch(/expertRating/);
  });

  it('keeps the rating given before when a change leaves it out, and clears it on null', async () => {
    const booked = await completed();
    const id = booked.session.id;
    await send(id, booked.companyToken, survey({ expertRating: 2 }));
    const { expertRating: _, ...withoutRating } = survey({ satisfaction: 5 });
    expect((await send(id, booked.companyToken, withoutRating)).status).toBe(200);
    expect((await read(id)).body.answers).toMatchObject({ satisfaction: 5, expertRating: 2 });
    await send(id, booked.companyToken, survey({ expertRating: null }));
    expect((await read(id)).body.answers.expertRating).toBeNull();
  });

  it('keeps the survey from the expert (403) and another company (404)', async () => {
    const booked = await completed();
    const other = await visit();
    const expertToken = (await issueToken(api, { role: 'expert', expertId })).token;
    expectProblem(await read(booked.session.id, expertToken), 403, 'forbidden');
    expectProblem(await send(booked.session.id, expertToken), 403, 'forbidden');
    expectProblem(await read(booked.session.id, other.companyToken), 404, 'not-found');
    expectProblem(await send(booked.session.id, other.companyToken), 404, 'not-found');
    // Staff read it, but the survey is the company's to answer.
    expectProblem(await send(booked.session.id, undefined), 403, 'forbidden');
  });
});
