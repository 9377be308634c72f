import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/notify/email.ts';
import type { EmailPayload } from '../../src/notify/payload.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { jst, sessionRow } from '../support/booking.ts';
import { payee, report, type Visit, visitOn } from '../support/money.ts';
import { ofEvent, ofSession, outbox } from '../support/notify.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';

// Visit proof (従事確認): the report's actual times, and the company's word that the visit
// took place. The harness clock stands at Wed 2026-11-25 09:00 JST; visits are in December.

let api: TestApi;
let expert: Awaited<ReturnType<typeof payee>>;
beforeAll(async () => {
  api = await testApi();
  expert = await payee(api);
}, 120_000);
afterAll(() => api.close());

let day = 0;
/** A visit of its own on the next weekday of December 2026, 10:00–12:00, reported. */
async function completed(actual?: { from: string; to: string }) {
  const dates = ['01', '02', '03', '04', '07', '08', '09', '10', '11', '14', '15', '16', '17'];
  const date = `2026-12-${dates[day++]}`;
  api.setNow('2026-11-25T00:00:00Z');
  const visit = await visitOn(api, expert.id, date, '10:00', '12:00');
  api.setNow(jst(date, '18:00'));
  await report(api, visit, actual && { date, ...actual });
  return { visit, date };
}

const attend = (visit: Visit, body: object, token?: string | null) =>
  api.call('POST', `/v1/sessions/${visit.session.id}/attendance`, {
    token: token === undefined ? visit.companyToken : token,
    body,
  });

describe('the visit report’s actual times', () => {
  it('are kept as reported, and fees are paid on them', async () => {
    const { visit } = await completed({ from: '10:15', to: '12:45' });
    const row = await sessionRow(api.db, visit.session.id);
    expect(row?.actualStart?.toISOString()).toBe('2026-12-01T01:15:00.000Z');
    expect(row?.actualEnd?.toISOString()).toBe('2026-12-01T03:45:00.000Z');
    const read = await api.call('GET', `/v1/sessions/${visit.session.id}`);
    expect(read.body).toMatchObject({
      actualStart: '2026-12-01T01:15:00.000Z',
      actualEnd: '2026-12-01T03:45:00.000Z',
      attendance: null,
    });
  });

  it('are the booked times when the report leaves them out', async () => {
    const { visit } = await completed();
    expect((await api.call('GET', `/v1/sessions/${visit.session.id}`)).body).toMatchObject({
      actualStart: visit.session.start,
      actualEnd: visit.session.end,
    });
  });

  it('must describe the booked visit: its day, in order, not in the future, together', async () => {
    api.setNow('2026-11-25T00:00:00Z');
    const visit = await visitOn(api, expert.id, '2026-12-18', '10:00', '12:00');
    api.setNow(jst('2026-12-18', '12:30'));
    const path = `/v1/sessions/${visit.session.id}/report`;
    const body = { topicsCovered: ['identify'], summary: '実施', followUpNeeded: false };
    const at = (date: string, time: string) => jst(date, time).toISOString();
    const cases: [object, string][] = [
      [
        { actualStart: at('2026-12-17', '10:00'), actualEnd: at('2026-12-18', '12:00') },
        'actualStart',
      ],
      [
        { actualStart: at('2026-12-18', '12:00'), actualEnd: at('2026-12-18', '10:00') },
        'actualEnd',
      ],
      [
        { actualStart: at('2026-12-18', '10:00'), actualEnd: at('2026-12-18', '13:00') },
        'actualEnd',
      ],
      [{ actualStart: at('2026-12-18', '10:00') }, 'actualEnd'],
    ];
    for (const [times, field] of cases) {
      expectFieldError(await api.call('POST', path, { body: { ...body, ...times } }), field);
    }
    expect((await sessionRow(api.db, visit.session.id))?.status).toBe('confirmed');
  });
});

describe('the company’s confirmation', () => {
  it('confirms a completed visit, audited', async () => {
    const { visit } = await completed();
    const res = await attend(visit, { agree: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body.attendance).toEqual({
      status: 'confirmed',
      comment: null,
      by: 'company',
      at: api.now().toISOString(),
    });
    const audit = await api.call(
      'GET',
      `/v1/audit?entityType=session&entityId=${visit.session.id}`,
    );
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain(
      'session.attendance-confirmed',
    );
  });

  it('keeps a dispute with its comment and tells the office, quoting the comment', async () => {
    const { visit } = await completed();
    const res = await attend(visit, { agree: false, comment: '当日は担当者が不在でした' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.attendance).toMatchObject({
      status: 'disputed',
      comment: '当日は担当者が不在でした',
      by: 'company',
    });
    const [mail, ...more] = await outbox(
      api.db,
      ofSession(visit.session.id),
      ofEvent('session.attendance-disputed'),
    );
    expect(more).toEqual([]);
    expect(mail?.recipient).toBe(api.config.officeEmail);
    const text = renderEmail(
      {
        id: mail?.id as string,
        event: 'session.attendance-disputed',
        recipient: mail?.recipient as string,
        payload: mail?.payload as EmailPayload,
      },
      { name: '事務局', email: api.config.officeEmail },
    ).text;
    expect(text).toContain('企業のコメント: 「当日は担当者が不在でした」');
    expect(text.split('\n')[0]).not.toContain('当日は');
  });

  it('lets a dispute be settled by agreeing, but never undoes a confirmation', async () => {
    const { visit } = await completed();
    expect((await attend(visit, { agree: false })).status).toBe(200);
    expectProblem(await attend(visit, { agree: false }), 409, 'invalid-transition');
    expect((await attend(visit, { agree: true })).body.attendance.status).toBe('confirmed');
    expectProblem(await attend(visit, { agree: true }), 409, 'invalid-transition');
    expectProblem(await attend(visit, { agree: false }), 409, 'invalid-transition');
  });

  it('is only for a completed visit', async () => {
    api.setNow('2026-11-25T00:00:00Z');
    const visit = await visitOn(api, expert.id, '2026-12-21', '10:00', '12:00');
    expectProblem(await attend(visit, { agree: true }), 409, 'invalid-transition');
  });

  it('is the company’s own: another company’s token is 404, an expert’s 403', async () => {
    const { visit } = await completed();
    const other = await completed();
    expectProblem(await attend(visit, { agree: true }, other.visit.companyToken), 404, 'not-found');
    expectProblem(await attend(visit, { agree: true }, expert.token), 403, 'forbidden');
    expect((await sessionRow(api.db, visit.session.id))?.attendance).toBeNull();
  });
});

describe('staff confirming for the company', () => {
  it('need a note saying how they know', async () => {
    const { visit } = await completed();
    expectFieldError(
      await api.call('POST', `/v1/sessions/${visit.session.id}/attendance`, {
        body: { agree: true },
      }),
      'comment',
    );
    const res = await api.call('POST', `/v1/sessions/${visit.session.id}/attendance`, {
      body: { agree: true, comment: '電話で先方担当者に実施を確認' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.attendance).toMatchObject({
      status: 'confirmed',
      by: 'staff',
      comment: '電話で先方担当者に実施を確認',
    });
  });

  it('settle a dispute', async () => {
    const { visit } = await completed();
    await attend(visit, { agree: false, comment: '時間が短かった' });
    const res = await api.call('POST', `/v1/sessions/${visit.session.id}/attendance`, {
      body: { agree: true, comment: '専門家の報告書と入退館記録で確認' },
    });
    expect(res.body.attendance).toMatchObject({ status: 'confirmed', by: 'staff' });
  });
});

describe('the “visit completed” email', () => {
  it('asks the company to confirm the visit on its status page', async () => {
    const { visit } = await completed();
    const [mail] = (
      await outbox(api.db, ofSession(visit.session.id), ofEvent('session.completed'))
    ).filter((row) => row.kind === 'email' && (row.payload as EmailPayload).audience === 'company');
    const text = renderEmail(
      {
        id: mail?.id as string,
        event: 'session.completed',
        recipient: mail?.recipient as string,
        payload: mail?.payload as EmailPayload,
      },
      { name: '事務局', email: 'office@example.jp' },
      { statusUrl: 'https://haken.example.jp/r/secret' },
    ).text;
    expect(text).toContain('従事確認');
    expect(text).toContain('https://haken.example.jp/r/secret');
  });
});
