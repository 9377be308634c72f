import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { book, bookedVisit, corporateNumber, jst } from '../support/booking.ts';
import { application, applyAccepted, createExpert } from '../support/fixtures.ts';
import { ofEvent, ofSession, outbox } from '../support/notify.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// What an office needs for a visit beyond its time: the company's address (an on-site visit's
// LOCATION), the contact's フリガナ, the applicant's consent to the privacy policy, and an online
// visit's meeting URL, set by staff or the expert.

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

function eventOf(ics: string) {
  const vevent = new ICAL.Component(ICAL.parse(ics) as unknown[]).getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return vevent;
}

describe('the application', () => {
  it('keeps the address, the フリガナ and when the privacy policy was agreed to', async () => {
    const res = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api, {
        company: { ...application(api).company, address: '愛知県豊橋市神野新田町1-1' },
        contact: { ...application(api).contact, nameKana: 'ヤマダ タロウ' },
        privacyConsent: true,
      }),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.request).toMatchObject({
      company: { address: '愛知県豊橋市神野新田町1-1' },
      contact: { nameKana: 'ヤマダ タロウ' },
      privacyConsentAt: api.now().toISOString(),
    });
  });

  it('refuses a フリガナ not in kana, a consent of false, and a two-line address', async () => {
    const bad = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api, {
        company: { ...application(api).company, address: '愛知県\n豊橋市' },
        contact: { ...application(api).contact, nameKana: 'Yamada' },
        privacyConsent: false,
      }),
    });
    for (const path of ['company.address', 'contact.nameKana', 'privacyConsent']) {
      expectFieldError(bad, path);
    }
  });
});

describe('the visit in calendars', () => {
  it('goes to the company’s address when on site', async () => {
    const expertId = (await createExpert(api, { email: 'address@example.jp' })).id;
    const { request } = await applyAccepted(api, {
      company: {
        ...application(api).company,
        corporateNumber: corporateNumber(),
        address: '愛知県豊橋市神野新田町1-1',
      },
    });
    const booked = await book(api, request.id, { expertId, start: jst('2026-12-03', '10:00') });
    const ics = await api.call('GET', `/v1/sessions/${booked.body.id}/calendar.ics`);
    expect(eventOf(ics.text).getFirstPropertyValue('location')).toBe('愛知県豊橋市神野新田町1-1');
  });

  it('an online visit’s meeting URL, set by its expert: in the event, and both parties told', async () => {
    const v = await bookedVisit(api, jst('2026-12-04', '10:00'), {
      application: { format: 'online' },
    });
    const expert = await issueToken(api, { role: 'expert', expertId: v.expertId });
    const url = 'https://meet.example.jp/j/123?pwd=abc';
    const set = await api.call('PUT', `/v1/sessions/${v.session.id}/meeting-url`, {
      token: expert.token,
      body: { url },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ meetingUrl: url, sequence: v.session.sequence + 1 });
    const ics = await api.call('GET', `/v1/sessions/${v.session.id}/calendar.ics`);
    const event = eventOf(ics.text);
    expect(event.getFirstPropertyValue('location')).toBe(url);
    expect(event.getFirstPropertyValue('url')).toBe(url);
    expect(event.getFirstPropertyValue('sequence')).toBe(set.body.sequence);
    const told = await outbox(api.db, ofSession(v.session.id), ofEvent('session.updated'));
    expect(told.filter((r) => r.kind === 'email')).toHaveLength(2);
    // The reminder follows the change (the earlier one is superseded by the sequence).
    const reminders = await outbox(api.db, ofSession(v.session.id), ofEvent('session.reminder'));
    expect(reminders.length).toBe(4);
    const audit = await api.call('GET', `/v1/audit?entityType=session&entityId=${v.session.id}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'session.updated',
      data: { fields: ['meetingUrl'] },
    });
  });

  it('is refused for an on-site visit, for the company, and for a non-http URL', async () => {
    const v = await bookedVisit(api, jst('2026-12-07', '10:00'));
    const path = `/v1/sessions/${v.session.id}/meeting-url`;
    expectProblem(
      await api.call('PUT', path, { body: { url: 'https://meet.example.jp/x' } }),
      409,
      'invalid-transition',
    );
    expectProblem(
      await api.call('PUT', path, {
        token: v.companyToken,
        body: { url: 'https://meet.example.jp/x' },
      }),
      403,
      'forbidden',
    );
    expectFieldError(await api.call('PUT', path, { body: { url: 'javascript:alert(1)' } }), 'url');
  });
});

describe('POST /v1/notifications/:id/redeliver', () => {
  it('makes a dead email due again, with a fresh round of attempts; a pending one is 409', async () => {
    const v = await bookedVisit(api, jst('2026-12-08', '10:00'));
    const [row] = (await outbox(api.db, ofSession(v.session.id))).filter((r) => r.kind === 'email');
    const path = `/v1/notifications/${row?.id}/redeliver`;
    expectProblem(await api.call('POST', path), 409, 'invalid-transition');
    await api.db
      .update(notifications)
      .set({ status: 'dead', attempts: 8 })
      .where(eq(notifications.id, row?.id ?? ''));
    const res = await api.call('POST', path);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({ id: row?.id, status: 'pending', attempts: 0 });
    expectProblem(
      await api.call('POST', `/v1/notifications/${crypto.randomUUID()}/redeliver`),
      404,
      'not-found',
    );
  });
});
