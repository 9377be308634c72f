import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies, requests, tokens } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { application, apply, applyAccepted } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

const at = (offsetMs: number) => new Date(api.now().getTime() + offsetMs).toISOString();
const post = (body: unknown) => api.call('POST', '/v1/requests', { token: null, body });
const withCompany = (fields: Record<string, unknown>) =>
  application(api, { company: { ...application(api).company, ...fields } });

async function rowCounts() {
  const [r] = await api.db.select({ n: count() }).from(requests);
  const [c] = await api.db.select({ n: count() }).from(companies);
  const [t] = await api.db.select({ n: count() }).from(tokens);
  return { requests: r?.n, companies: c?.n, tokens: t?.n };
}

describe('POST /v1/requests rejects a bad application', () => {
  it.each([
    ['a wrong check digit', '7000012050003'],
    ['another wrong check digit', '1011001098993'],
    ['12 digits', '700001205000'],
    ['14 digits', '70000120500020'],
    ['non-digits', '700001205000X'],
    ['full-width digits', '７００００１２０５０００２'],
  ])('a corporate number with %s, naming company.corporateNumber', async (_, corporateNumber) => {
    const res = await post(withCompany({ corporateNumber }));
    expectFieldError(res, 'company.corporateNumber');
  });

  it('and writes nothing', async () => {
    const before = await rowCounts();
    await post(withCompany({ corporateNumber: '7000012050003' }));
    expect(await rowCounts()).toEqual(before);
  });

  it.each(['E99', 'Z', 'e24', 'E08', 'E33', 'D06', ''])(
    'an unknown industry code %j, naming company.industryCode',
    async (industryCode) => {
      expectFieldError(await post(withCompany({ industryCode })), 'company.industryCode');
    },
  );

  it.each(['E', 'E09', 'E32', 'G', 'T'])('the industry code %s', async (industryCode) => {
    expect((await post(withCompany({ industryCode }))).status).toBe(201);
  });

  it.each(['48', '00', '1', '013', 'tokyo'])(
    'an unknown prefecture code %j, naming company.prefectureCode',
    async (prefectureCode) => {
      expectFieldError(await post(withCompany({ prefectureCode })), 'company.prefectureCode');
    },
  );

  it('a window starting before now + 72 hours, naming preferredWindows.0.start', async () => {
    const res = await post(
      application(api, {
        preferredWindows: [{ start: at(72 * HOUR - 60_000), end: at(10 * DAY) }],
      }),
    );
    expectFieldError(res, 'preferredWindows.0.start');
  });

  it('every error at once: a window inside the notice beside a schema error elsewhere', async () => {
    const soon = new Date(api.now().getTime() + 24 * 3600_000).toISOString();
    const later = new Date(api.now().getTime() + 9 * 24 * 3600_000).toISOString();
    const res = await post({
      ...withCompany({ name: '' }),
      contact: { name: '山田', email: 'not-an-email' },
      preferredWindows: [{ start: soon, end: later }],
    });
    for (const path of ['company.name', 'contact.email', 'preferredWindows.0.start']) {
      expectFieldError(res, path);
    }
  });

  it('a window ending after now + 90 days, naming preferredWindows.0.end', async () => {
    const res = await post(
      application(api, {
        preferredWindows: [{ start: at(80 * DAY), end: at(90 * DAY + 60_000) }],
      }),
    );
    expectFieldError(res, 'preferredWindows.0.end');
  });

  it('a window in the past, naming preferredWindows.0.start', async () => {
    const res = await post(
      application(api, { preferredWindows: [{ start: at(-10 * DAY), end: at(-9 * DAY) }] }),
    );
    expectFieldError(res, 'preferredWindows.0.start');
  });

  it('names the index of the bad window among good ones', async () => {
    const good = { start: at(10 * DAY), end: at(11 * DAY) };
    const res = await post(
      application(api, { preferredWindows: [good, good, { start: at(HOUR), end: at(DAY * 5) }] }),
    );
    expectFieldError(res, 'preferredWindows.2.start');
    expect(res.body.errors).toHaveLength(1);
  });

  it('a window that ends before it starts, or is shorter than the visit', async () => {
    const reversed = await post(
      application(api, { preferredWindows: [{ start: at(11 * DAY), end: at(10 * DAY) }] }),
    );
    expectFieldError(reversed, 'preferredWindows.0.end');
    const short = await post(
      application(api, {
        durationMinutes: 120,
        preferredWindows: [{ start: at(10 * DAY), end: at(10 * DAY + HOUR) }],
      }),
    );
    expectFieldError(short, 'preferredWindows.0');
  });

  it('a window without an offset, naming it', async () => {
    const res = await post(
      application(api, {
        preferredWindows: [{ start: '2026-12-07T10:00:00', end: '2026-12-07T17:00:00+09:00' }],
      }),
    );
    expectFieldError(res, 'preferredWindows.0.start');
  });

  it('more than 5 windows, or none', async () => {
    const windows = Array.from({ length: 6 }, (_, i) => ({
      start: at((10 + i) * DAY),
      end: at((11 + i) * DAY),
    }));
    expectFieldError(
      await post(application(api, { preferredWindows: windows })),
      'preferredWindows',
    );
    expectFieldError(await post(application(api, { preferredWindows: [] })), 'preferredWindows');
  });

  it.each([59, 241, 0, 120.5])('durationMinutes %s', async (durationMinutes) => {
    expectFieldError(await post(application(api, { durationMinutes })), 'durationMinutes');
  });

  it('an unknown topic, naming its index', async () => {
    const res = await post(application(api, { topics: ['identify', 'marketing'] }));
    expectFieldError(res, 'topics.1');
  });

  it('no topics, or a repeated one', async () => {
    expectFieldError(await post(application(api, { topics: [] })), 'topics');
    expectFieldError(await post(application(api, { topics: ['access', 'access'] })), 'topics');
  });

  it('an unknown format', async () => {
    expectFieldError(await post(application(api, { format: 'phone' })), 'format');
  });

  it('a bad contact email', async () => {
    const res = await post(application(api, { contact: { name: '山田', email: 'not-an-email' } }));
    expectFieldError(res, 'contact.email');
  });

  it('an unknown field, naming it wherever it is', async () => {
    expectFieldError(await post(application(api, { extra: 1 })), 'extra');
    expectFieldError(await post(withCompany({ ceo: 'x' })), 'company.ceo');
    const contact = { name: '山田', email: 'a@example.jp', fax: '1' };
    expectFieldError(await post(application(api, { contact })), 'contact.fax');
  });

  it('an unknown field inside a window, naming it', async () => {
    const res = await post(
      application(api, {
        preferredWindows: [{ start: at(10 * DAY), end: at(11 * DAY), timezone: 'JST' }],
      }),
    );
    expectFieldError(res, 'preferredWindows.0.timezone');
  });

  it('a follow-up of an unknown request, or of another company’s', async () => {
    const unknown = await post(
      application(api, { followUpOf: '00000000-0000-4000-8000-000000000000' }),
    );
    expectFieldError(unknown, 'followUpOf');
    const other = await applyAccepted(api, {
      company: { ...application(api).company, corporateNumber: '2120901007402' },
    });
    const crossed = await post(application(api, { followUpOf: other.request.id }));
    expectFieldError(crossed, 'followUpOf');
  });

  it('a follow-up of a request the office has not accepted, even naming the same number', async () => {
    const first = await apply(api);
    const res = await post(application(api, { followUpOf: first.request.id }));
    expectFieldError(res, 'followUpOf');
  });

  it('a follow-up from a sole proprietor, who cannot be matched to an earlier request', async () => {
    const { corporateNumber: _, ...company } = application(api).company;
    const first = await apply(api, { company });
    const res = await post(application(api, { company, followUpOf: first.request.id }));
    expectFieldError(res, 'followUpOf');
  });
});

describe('GET /v1/requests/:id errors', () => {
  it('404 for an unknown id', async () => {
    const res = await api.call('GET', '/v1/requests/00000000-0000-4000-8000-000000000000');
    expectProblem(res, 404, 'not-found');
  });

  it('400 naming id for a non-UUID', async () => {
    expectFieldError(await api.call('GET', '/v1/requests/12345'), 'id');
  });
});

describe('POST /v1/requests/:id/cancel errors', () => {
  it('404 for an unknown id', async () => {
    const res = await api.call('POST', '/v1/requests/00000000-0000-4000-8000-000000000000/cancel');
    expectProblem(res, 404, 'not-found');
  });

  it('400 for an unknown field in the body, and the request stays received', async () => {
    const { request } = await apply(api);
    const res = await api.call('POST', `/v1/requests/${request.id}/cancel`, {
      body: { reason: 'x', refund: true },
    });
    expectFieldError(res, 'refund');
    const read = await api.call('GET', `/v1/requests/${request.id}`);
    expect(read.body.status).toBe('received');
  });
});

describe('GET /v1/requests query errors', () => {
  it('a garbage cursor, naming cursor', async () => {
    for (const cursor of ['garbage', 'eyJhdCI6MX0', btoa(JSON.stringify({ at: 'x', id: 'y' }))]) {
      expectFieldError(await api.call('GET', `/v1/requests?cursor=${cursor}`), 'cursor');
    }
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['status=open', 'status'],
    ['fiscalYear=twenty', 'fiscalYear'],
    ['sort=asc', 'sort'],
  ])('%s, naming %s', async (query, path) => {
    expectFieldError(await api.call('GET', `/v1/requests?${query}`), path);
  });
});
