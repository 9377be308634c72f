import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FEE_RATES } from '../../src/domain/fees.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { jst } from '../support/booking.ts';
import { OFFICE_ENV, payee, report, type Visit, visitOn } from '../support/money.ts';
import { type Browser, browserOf, fieldValue } from '../support/pages.ts';

// The expert's travel claim pages through a browser stand-in: claim on a completed on-site
// visit's page, errors sent back all at once with what was typed, receipts uploaded as a
// multipart form (5 MiB on that path, 64 KiB elsewhere), and the decision shown.

let api: TestApi;
let expert: Browser;
let csrf: string;
let visit: Visit;
let online: Visit;

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  api = await testApi(OFFICE_ENV);
  const set = await api.call('PUT', '/v1/fees/2026', {
    body: {
      ...DEFAULT_FEE_RATES,
      dailyAllowanceYen: 2_000,
      lodgingCapYen: 10_000,
      travelEstimateYen: 5_000,
    },
  });
  expect(set.status, set.text).toBe(200);
  const who = await payee(api, { name: '佐藤 花子' });
  visit = await visitOn(api, who.id, '2026-12-01', '10:00', '12:00');
  online = await visitOn(api, who.id, '2026-12-02', '10:00', '12:00', 'online');
  api.setNow(jst('2026-12-10', '10:00'));
  await report(api, visit);
  await report(api, online);
  const invited = await api.call('POST', `/v1/experts/${who.id}/invitations`);
  expert = browserOf(api);
  expect((await expert.post(new URL(invited.body.url).pathname, {})).status).toBe(303);
  csrf = fieldValue((await expert.get('/expert')).html, 'csrf') ?? '';
}, 120_000);
afterAll(() => api.close());

/** Posts a multipart form as a browser of this site does, following its redirect. */
async function upload(path: string, form: FormData) {
  const res = await api.app.request(path, {
    method: 'POST',
    body: form,
    headers: {
      cookie: [...expert.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'sec-fetch-site': 'same-origin',
    },
  });
  for (const line of res.headers.getSetCookie()) {
    const [name = '', value = ''] = (line.split(';')[0] ?? '').split('=');
    expert.cookies.set(name, value);
  }
  return res;
}

const receiptForm = (file: Blob, name: string) => {
  const form = new FormData();
  form.set('csrf', csrf);
  form.set('receipt', file, name);
  return form;
};

describe('the expert’s travel claim', () => {
  it('is offered on the completed on-site visit, not on the online one', async () => {
    const page = await expert.get('/expert');
    expect(page.html).toContain(`/expert/visits/${visit.session.id}/travel`);
    expect(page.html).not.toContain(`/expert/visits/${online.session.id}/travel`);
    expect((await expert.get(`/expert/visits/${online.session.id}/travel`)).status).toBe(404);
    const form = await expert.get(`/expert/visits/${visit.session.id}/travel`);
    expect(form.status).toBe(200);
    // The year's limits, read from the rates the expert may now read.
    expect(text(form.html)).toContain('上限 2,000円');
    expect(text(form.html)).toContain('上限 10,000円');
  });

  it('sends a claim back with every error at once and what was typed', async () => {
    const path = `/expert/visits/${visit.session.id}/travel`;
    const sent = await expert.submit(path, {
      csrf,
      'legs.0.from': '名古屋駅',
      'legs.0.to': '',
      'legs.0.mode': 'train',
      'legs.0.amountYen': '1,230',
      allowanceYen: '2000',
      lodgingYen: '一万円',
    });
    expect(sent.location).toBe(path);
    expect(sent.html).toContain('href="#legs.0.to"');
    expect(sent.html).toContain('href="#lodgingYen"');
    expect(fieldValue(sent.html, 'lodgingYen')).toBe('一万円');
    expect(fieldValue(sent.html, 'legs.0.from')).toBe('名古屋駅');
    expect(fieldValue(sent.html, 'legs.0.amountYen')).toBe('1,230');
    expect((await api.call('GET', '/v1/travel-claims')).body.items).toEqual([]);

    const filed = await expert.submit(path, {
      csrf,
      'legs.0.from': '名古屋駅',
      'legs.0.to': '豊田市駅',
      'legs.0.mode': 'train',
      'legs.0.amountYen': '1,230',
      'legs.1.from': '豊田市駅',
      'legs.1.to': '名古屋駅',
      'legs.1.mode': 'train',
      'legs.1.amountYen': '1230',
      allowanceYen: '2000',
      lodgingYen: '0',
    });
    expect(filed.html).toContain('旅費を請求しました。');
    const [stored] = (await api.call('GET', '/v1/travel-claims')).body.items;
    expect(stored).toMatchObject({ claimedYen: 4_460, allowanceYen: 2_000, status: 'submitted' });
    expect(text(filed.html)).toContain('事務局の確認待ち');
  });

  it('takes a receipt as a multipart upload, and refuses what is not one', async () => {
    const path = `/expert/visits/${visit.session.id}/travel/receipts`;
    const ok = await upload(
      path,
      receiptForm(new Blob([PNG], { type: 'image/png' }), 'ticket.png'),
    );
    expect(ok.status).toBe(303);
    const page = await expert.get(ok.headers.get('location') ?? '');
    expect(page.html).toContain('領収書を添付しました。');
    expect(page.html).toContain('ticket.png');
    const [claim] = (await api.call('GET', '/v1/travel-claims')).body.items;
    expect(claim.receipts).toMatchObject([{ filename: 'ticket.png', sizeBytes: PNG.length }]);

    const fake = await upload(
      path,
      receiptForm(new Blob(['not a png'], { type: 'image/png' }), 'fake.png'),
    );
    expect(fake.status).toBe(303);
    const refused = await expert.get(fake.headers.get('location') ?? '');
    expect(refused.html).toContain('href="#receipt"');
    expect(refused.html).toContain('PDF、JPEG、PNG のいずれでもないか');

    // Over 5 MiB (with the form around it) the page is refused before anything is read.
    const big = new Uint8Array(5 * 1024 * 1024 + 70 * 1024);
    big.set(PNG);
    const tooBig = await upload(path, receiptForm(new Blob([big], { type: 'image/png' }), 'b.png'));
    expect(tooBig.status).toBe(413);
    // Other page forms keep their 64 KiB.
    const long = await expert.post(`/expert/visits/${visit.session.id}/travel`, {
      csrf,
      'legs.0.from': 'x'.repeat(70 * 1024),
    });
    expect(long.status).toBe(413);
    expect((await api.call('GET', '/v1/travel-claims')).body.items[0].receipts).toHaveLength(1);
  });

  it('shows the office’s decision and its reason, on the visit and in the list', async () => {
    const [claim] = (await api.call('GET', '/v1/travel-claims')).body.items;
    const adjusted = await api.call('POST', `/v1/travel-claims/${claim.id}/adjust`, {
      body: { approvedYen: 4_000, reason: '往路は回数券の額で精算' },
    });
    expect(adjusted.status, adjusted.text).toBe(200);
    const page = await expert.get(`/expert/visits/${visit.session.id}/travel`);
    expect(text(page.html)).toContain('金額を修正して承認');
    expect(text(page.html)).toContain('往路は回数券の額で精算');
    expect(page.html).not.toContain('name="legs.0.from"');
    expect(page.html).not.toContain('name="receipt"');
    const list = await expert.get('/expert/travel-claims');
    expect(text(list.html)).toContain('4,460円 4,000円 金額を修正して承認 往路は回数券の額で精算');
  });
});
