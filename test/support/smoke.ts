import ICAL from 'ical.js';
import { expect } from 'vitest';
import type { CallOptions, Reply } from './api.ts';
import { corporateNumber } from './booking.ts';

type Call = (method: string, path: string, options?: CallOptions) => Promise<Reply>;

const DAY = 864e5;

/**
 * The HTTP smoke suite every deployment must pass (Node server and Worker alike), on the
 * real clock: health, apply, match, book, double-book → 409, feed → valid iCalendar, report.
 * Resolves with the visit it booked and its expert's token.
 */
export async function smokeSuite(call: Call): Promise<{ sessionId: string; expertToken: string }> {
  const health = await call('GET', '/health', { token: null });
  expect(health.status).toBe(200);
  expect(health.body).toEqual({ status: 'ok', database: 'ok' });

  const expert = await call('POST', '/v1/experts', {
    body: {
      name: '煙 試験',
      email: 'smoke@example.jp',
      industries: ['E24'],
      topics: ['identify', 'classify'],
      prefectures: ['23'],
      online: true,
      travelBufferMinutes: 30,
    },
  });
  expect(expert.status).toBe(201);
  const weekly = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
  const hours = await call('PUT', `/v1/experts/${expert.body.id}/availability`, {
    body: { weekly, overrides: [] },
  });
  expect(hours.status).toBe(200);

  const now = Date.now();
  const apply = (name: string) =>
    call('POST', '/v1/requests', {
      token: null,
      body: {
        company: {
          name,
          corporateNumber: corporateNumber(),
          industryCode: 'E24',
          prefectureCode: '23',
          employees: 50,
          capitalYen: 10_000_000,
        },
        contact: { name: '担当 者', email: 'contact@example.jp' },
        topics: ['identify'],
        format: 'onsite',
        durationMinutes: 120,
        preferredWindows: [
          {
            start: new Date(now + 4 * DAY).toISOString(),
            end: new Date(now + 18 * DAY).toISOString(),
          },
        ],
      },
    });
  const first = await apply('株式会社スモーク一');
  const second = await apply('株式会社スモーク二');
  expect(first.status).toBe(201);
  expect(second.status).toBe(201);
  for (const applied of [first, second]) {
    const accepted = await call('POST', `/v1/requests/${applied.body.request.id}/accept`, {
      body: {},
    });
    expect(accepted.status).toBe(200);
  }

  const matches = await call('GET', `/v1/requests/${first.body.request.id}/matches`);
  expect(matches.status).toBe(200);
  const match = matches.body.matches.find((m: any) => m.expert.id === expert.body.id);
  expect(match?.reasons).toContain('同一中分類 E24 金属製品製造業');
  const start = match.slots[0].start;

  const booked = await call('POST', `/v1/requests/${first.body.request.id}/sessions`, {
    token: first.body.accessToken,
    body: { expertId: expert.body.id, start },
  });
  expect(booked.status).toBe(201);
  const twice = await call('POST', `/v1/requests/${second.body.request.id}/sessions`, {
    token: second.body.accessToken,
    body: { expertId: expert.body.id, start },
  });
  expect(twice.status).toBe(409);
  expect(twice.body.code).toBe('slot-taken');

  const token = await call('POST', '/v1/tokens', {
    body: { role: 'expert', expertId: expert.body.id },
  });
  const feedUrl = await call('GET', '/v1/me/feed', { token: token.body.token });
  expect(feedUrl.status).toBe(200);
  const feed = await call('GET', new URL(feedUrl.body.url).pathname, { token: null });
  expect(feed.status).toBe(200);
  const calendar = new ICAL.Component(ICAL.parse(feed.text));
  const uids = calendar.getAllSubcomponents('vevent').map((e) => e.getFirstPropertyValue('uid'));
  expect(uids).toContain(`${booked.body.id}@haken`);

  const fiscalYear = new Date(now + 9 * 3600e3 - 90 * DAY).getUTCFullYear();
  const report = await call('GET', `/v1/reports/utilisation?fiscalYear=${fiscalYear}`);
  expect(report.status).toBe(200);
  expect(report.body.byMonth).toHaveLength(12);
  return { sessionId: booked.body.id, expertToken: token.body.token };
}
