import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companies, requests } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { accept, application, apply, applyAccepted } from '../support/fixtures.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

const at = (offsetMs: number) => new Date(api.now().getTime() + offsetMs).toISOString();

describe('POST /v1/requests', () => {
  it('answers 201 {request, accessToken} and stores the request, not a company record', async () => {
    const companiesBefore = await api.db.select().from(companies);
    const res = await api.call('POST', '/v1/requests', { token: null, body: application(api) });
    expect(res.status).toBe(201);
    expect(res.body.accessToken).toMatch(/^hkc_/);
    const request = res.body.request;
    expect(request).toMatchObject({
      status: 'received',
      format: 'onsite',
      durationMinutes: 120,
      topics: ['identify', 'classify', 'access'],
      fiscalYear: 2026,
      sessions: [],
      review: null,
      company: {
        id: null,
        name: '株式会社テスト金属',
        corporateNumber: '7000012050002',
        industryCode: 'E24',
        prefectureCode: '23',
        isSme: true,
      },
    });

    const [row] = await api.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row).toMatchObject({
      status: 'received',
      contactEmail: 'yamada@example.jp',
      corporateNumber: '7000012050002',
      companyId: null,
    });
    // The shared company record is the office's: an application does not write it.
    expect(await api.db.select().from(companies)).toEqual(companiesBefore);
  });

  it.each(['7000012050002', '4011001098993', '2120901007402'])(
    'keeps the valid corporate number %s, and accepting it makes the one company record',
    async (corporateNumber) => {
      const { request } = await apply(api, {
        company: { ...application(api).company, corporateNumber },
      });
      expect(request.company.corporateNumber).toBe(corporateNumber);
      const accepted = await accept(api, request.id);
      const stored = await api.db
        .select()
        .from(companies)
        .where(eq(companies.corporateNumber, corporateNumber));
      expect(stored).toHaveLength(1);
      expect(accepted.company.id).toBe(stored[0]?.id);
    },
  );

  it('accepts a sole proprietor without a corporate number, as a company of its own', async () => {
    const { corporateNumber: _, ...company } = application(api).company;
    const first = await apply(api, { company });
    const second = await apply(api, { company });
    expect(first.request.company.corporateNumber).toBeNull();
    const one = await accept(api, first.request.id);
    const other = await accept(api, second.request.id);
    expect(one.company.id).toEqual(expect.any(String));
    expect(other.company.id).not.toBe(one.company.id);
  });

  it('identifies a company by its corporate number once the office accepts', async () => {
    const company = { ...application(api).company, corporateNumber: '4011001098993' };
    const first = await apply(api, { company });
    const second = await apply(api, { company: { ...company, name: '新社名' } });
    const one = await accept(api, first.request.id);
    const other = await accept(api, second.request.id);
    expect(other.company.id).toBe(one.company.id);
    // The record takes what the latest accepted application declared; the earlier application
    // keeps the name it was made under.
    const [record] = await api.db
      .select()
      .from(companies)
      .where(eq(companies.corporateNumber, '4011001098993'));
    expect(record?.name).toBe('新社名');
    const earlier = await api.call('GET', `/v1/requests/${first.request.id}`);
    expect(earlier.body.company.name).toBe(company.name);
  });

  it('reports a large company as not an SME', async () => {
    const { request } = await apply(api, {
      company: { ...application(api).company, employees: 1000, capitalYen: 1_000_000_000 },
    });
    expect(request.company.isSme).toBe(false);
  });

  it('judges a retailer (JSIC I56–I61) by retail limits and a wholesaler by wholesale ones', async () => {
    const company = { ...application(api).company, employees: 80, capitalYen: 80_000_000 };
    const retailer = await apply(api, { company: { ...company, industryCode: 'I58' } });
    const wholesaler = await apply(api, { company: { ...company, industryCode: 'I52' } });
    expect(retailer.request.company).toMatchObject({ industryCode: 'I58', isSme: false });
    expect(wholesaler.request.company).toMatchObject({ industryCode: 'I52', isSme: true });
  });

  it('judges a software house (JSIC G39) by the 政令 line, ¥300m or 300 employees', async () => {
    const company = { ...application(api).company, employees: 300, capitalYen: 300_000_000 };
    const software = await apply(api, { company: { ...company, industryCode: 'G39' } });
    const broadcaster = await apply(api, { company: { ...company, industryCode: 'G38' } });
    expect(software.request.company).toMatchObject({ industryCode: 'G39', isSme: true });
    expect(broadcaster.request.company).toMatchObject({ industryCode: 'G38', isSme: false });
  });

  it('defaults durationMinutes to 120 and accepts the bounds 60 and 240', async () => {
    const { durationMinutes: _, ...withoutDuration } = application(api);
    const res = await api.call('POST', '/v1/requests', { token: null, body: withoutDuration });
    expect(res.status).toBe(201);
    expect(res.body.request.durationMinutes).toBe(120);
    for (const durationMinutes of [60, 240]) {
      const { request } = await apply(api, { durationMinutes });
      expect(request.durationMinutes).toBe(durationMinutes);
    }
  });

  it('accepts windows exactly at the edges of the bookable window, and five of them', async () => {
    const edges = { start: at(72 * HOUR), end: at(90 * DAY) };
    const windows = [
      edges,
      ...[10, 20, 30, 40].map((d) => ({ start: at(d * DAY), end: at((d + 1) * DAY) })),
    ];
    const { request } = await apply(api, { preferredWindows: windows });
    expect(request.preferredWindows).toHaveLength(5);
    expect(request.preferredWindows[0]).toEqual(edges);
  });

  it('accepts any offset and answers in UTC', async () => {
    // 2026-12-07 10:00 in Tokyo is 01:00Z.
    const { request } = await apply(api, {
      preferredWindows: [{ start: '2026-12-07T10:00:00+09:00', end: '2026-12-07T17:00:00+09:00' }],
    });
    expect(request.preferredWindows).toEqual([
      { start: '2026-12-07T01:00:00.000Z', end: '2026-12-07T08:00:00.000Z' },
    ]);
  });

  it('records a follow-up of an earlier accepted request of the same company', async () => {
    const first = await applyAccepted(api);
    const { request } = await apply(api, { followUpOf: first.request.id });
    expect(request.followUpOf).toBe(first.request.id);
  });
});

describe('GET /v1/requests/:id', () => {
  it('gives staff the request with its sessions', async () => {
    const { request } = await apply(api);
    const res = await api.call('GET', `/v1/requests/${request.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(request);
  });
});

describe('POST /v1/requests/:id/cancel', () => {
  it('lets the company withdraw its own request, once', async () => {
    const { request, accessToken } = await apply(api);
    const res = await api.call('POST', `/v1/requests/${request.id}/cancel`, {
      token: accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: request.id, status: 'cancelled' });
    const [row] = await api.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row?.status).toBe('cancelled');

    const again = await api.call('POST', `/v1/requests/${request.id}/cancel`, {
      token: accessToken,
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invalid-transition');
  });

  it('lets staff cancel with a reason, which is stored', async () => {
    const { request } = await apply(api);
    const res = await api.call('POST', `/v1/requests/${request.id}/cancel`, {
      body: { reason: '日程調整がつかないため' },
    });
    expect(res.status).toBe(200);
    expect(res.body.cancelReason).toBe('日程調整がつかないため');
    const [row] = await api.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row?.cancelReason).toBe('日程調整がつかないため');
  });
});

describe('GET /v1/requests pagination and filters', () => {
  let list: TestApi;
  const ids: string[] = [];
  beforeAll(async () => {
    list = await testApi();
    // The first three share one createdAt, so the cursor must break ties by id.
    for (let i = 0; i < 5; i++) {
      if (i >= 3) list.setNow(new Date(list.now().getTime() + 60_000));
      ids.push((await apply(list)).request.id);
    }
  });
  afterAll(() => list.close());

  async function allPages(query: string) {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor ? `&cursor=${cursor}` : '';
      const res = await list.call('GET', `/v1/requests?${query}${suffix}`);
      expect(res.status).toBe(200);
      pages.push(res.body.items.map((r: { id: string }) => r.id));
      cursor = res.body.nextCursor;
      if (pages.length > 10) throw new Error('pagination does not end');
    } while (cursor);
    return pages;
  }

  it('pages 5 requests by 2 as 2, 2, 1, newest first, without repeats', async () => {
    const pages = await allPages('limit=2');
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort()).toEqual([...ids].sort());
    // The last two were created later, one minute apart: newest first.
    expect(seen.slice(0, 2)).toEqual([ids[4], ids[3]]);
  });

  it('answers nextCursor null when everything fits', async () => {
    const res = await list.call('GET', '/v1/requests?limit=5');
    expect(res.body.items).toHaveLength(5);
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by status', async () => {
    await list.call('POST', `/v1/requests/${ids[1]}/cancel`);
    const cancelled = await allPages('status=cancelled&limit=2');
    expect(cancelled.flat()).toEqual([ids[1]]);
    const received = await allPages('status=received&limit=2');
    expect(received.flat()).toHaveLength(4);
    expect(received.flat()).not.toContain(ids[1]);
  });

  it('filters by the fiscal year the request arrived in (Asia/Tokyo)', async () => {
    // 2027-03-31 23:59 in Tokyo is still FY2026; one minute later is FY2027.
    list.setNow('2027-03-31T14:59:00Z');
    const late = await apply(list);
    list.setNow('2027-03-31T15:00:00Z');
    const early = await apply(list);
    expect(late.request.fiscalYear).toBe(2026);
    expect(early.request.fiscalYear).toBe(2027);

    const fy2027 = await list.call('GET', '/v1/requests?fiscalYear=2027');
    expect(fy2027.body.items.map((r: { id: string }) => r.id)).toEqual([early.request.id]);
    const fy2026 = await allPages('fiscalYear=2026&limit=2');
    expect(fy2026.flat()).toHaveLength(6);
    expect(fy2026.flat()).toContain(late.request.id);
    const none = await list.call('GET', '/v1/requests?fiscalYear=2025');
    expect(none.body).toEqual({ items: [], nextCursor: null, total: 0 });
  });
});
