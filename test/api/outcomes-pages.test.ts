import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveys } from '../../src/db/schema.ts';
import { stepCodes } from '../../src/domain/topics.ts';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { bookedVisit, jst } from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { allAt, completeVisit } from '../support/outcomes.ts';
import { type Browser, browserOf, fieldValue } from '../support/pages.ts';

// The outcome pages through app.request, as a browser without JavaScript would use them: the
// company's survey and readiness from its status link, and the office's views. The harness
// clock starts at Wed 2026-11-25 09:00 JST.

let api: TestApi;
let expertId: string;
let visit: Awaited<ReturnType<typeof bookedVisit>>;
let status: string;
beforeAll(async () => {
  api = await testApi();
  expertId = (await createExpert(api, { maxVisitsPerMonth: 100 })).id;
  visit = await bookedVisit(api, jst('2026-12-02', '10:00'), { expertId });
  status = `/r/${visit.companyToken}`;
});
afterAll(() => api.close());

const readinessForm = (level: number) =>
  Object.fromEntries(stepCodes.map((step) => [`levels.${step}`, String(level)]));

async function signIn(browser: Browser) {
  expect((await browser.post('/staff/sign-in', { token: STAFF_TOKEN })).status).toBe(303);
  return fieldValue((await browser.get('/staff')).html, 'csrf') ?? '';
}

describe('the company’s status page', () => {
  it('asks for readiness before the visit, and takes it through its page', async () => {
    const browser = browserOf(api);
    const page = await browser.get(status);
    expect(page.html).toContain('id="readiness"');
    expect(page.html).toContain(`href="${status}/readiness/before"`);
    expect(page.html).not.toContain('id="survey"');
    expect(page.html).not.toContain(`${status}/readiness/after`);

    const form = await browser.get(`${status}/readiness/before`);
    expect(form.status).toBe(200);
    // Nine questions, each a fieldset whose legend is the step, with four levels.
    expect(form.html.match(/<fieldset id="levels\.[a-z]+"/g)).toHaveLength(9);
    expect(form.html).toMatch(
      /<legend>守る情報の決定<span class="tag required">必須<\/span><\/legend>/,
    );
    expect(form.html.match(/type="radio" name="levels\.identify"/g)).toHaveLength(4);

    const after = await browser.submit(`${status}/readiness/before`, readinessForm(1));
    expect(after.location).toBe(`${status}#readiness`);
    expect(after.html).toContain('準備度の回答を保存しました。');
    expect(after.html).toContain('<svg class="plot"');
    expect(after.html).toContain('<polygon class="phase before"');
    expect(after.html).not.toContain('<polygon class="phase after"');
  });

  it('names each step left blank, and keeps the levels chosen', async () => {
    const browser = browserOf(api);
    const { 'levels.access': _, ...missing } = readinessForm(2);
    const page = await browser.submit(`${status}/readiness/before`, missing);
    expect(page.location).toBe(`${status}/readiness/before`);
    expect(page.html).toContain('<title>エラー: ');
    expect(page.html).toContain('1件の項目を確認してください');
    expect(page.html).toContain(
      '<a href="#levels.access">このステップの段階を選んでください。</a>',
    );
    expect(page.html).toMatch(
      /<fieldset id="levels\.access" tabindex="-1" class="field invalid" aria-describedby="levels\.access-error">/,
    );
    expect(page.html).toMatch(/name="levels\.identify" value="2" checked/);
  });

  it('asks for the survey once the visit is completed, and takes it', async () => {
    await completeVisit(api, visit.session);
    const browser = browserOf(api);
    const page = await browser.get(status);
    expect(page.html).toContain('id="survey"');
    const surveyPath = `${status}/visits/${visit.session.id}/survey`;
    expect(page.html).toContain(`href="${surveyPath}"`);
    expect(page.html).toContain(`href="${status}/readiness/after"`);

    const form = await browser.get(surveyPath);
    expect(form.html).toMatch(/<fieldset id="satisfaction"/);
    expect(form.html).toContain('事務局だけが確認します。専門家本人には伝わりません。');
    const missing = await browser.submit(surveyPath, { comment: 'とても参考になりました。' });
    expect(missing.location).toBe(surveyPath);
    expect(missing.html).toContain('<a href="#satisfaction">満足度を選んでください。</a>');
    expect(missing.html).toContain('とても参考になりました。</textarea>');

    const sent = await browser.submit(surveyPath, {
      satisfaction: '5',
      resolved: 'partly',
      wantsMore: 'yes',
      comment: '規程の雛形が\r\n役に立ちました。',
      expertRating: '4',
    });
    expect(sent.location).toBe(`${status}#survey`);
    expect(sent.html).toContain('アンケートを送信しました。');
    const [row] = await api.db
      .select()
      .from(surveys)
      .where(eq(surveys.sessionId, visit.session.id));
    expect(row).toMatchObject({
      satisfaction: 5,
      resolved: 'partly',
      wantsMore: true,
      comment: '規程の雛形が\n役に立ちました。',
      expertRating: 4,
    });
    const thanked = await browser.get(status);
    expect(thanked.html).toContain('ご回答ありがとうございました。');

    // Changing it keeps the rating the company cannot read back.
    const again = await browser.get(surveyPath);
    expect(again.html).toMatch(/name="satisfaction" value="5" checked/);
    expect(again.html).toMatch(/name="expertRating" value="keep" checked/);
    expect(again.html).not.toMatch(/name="expertRating" value="4" checked/);
    await browser.post(surveyPath, {
      satisfaction: '4',
      resolved: 'yes',
      wantsMore: 'no',
      comment: '',
      expertRating: 'keep',
    });
    const [changed] = await api.db
      .select()
      .from(surveys)
      .where(eq(surveys.sessionId, visit.session.id));
    expect(changed).toMatchObject({ satisfaction: 4, resolved: 'yes', expertRating: 4 });

    await api.call('PUT', `/v1/requests/${visit.request.id}/readiness`, {
      token: visit.companyToken,
      body: { phase: 'after', levels: allAt(3) },
    });
    const charted = await browser.get(status);
    expect(charted.html).toContain('<polygon class="phase after"');
    expect(charted.html).toContain('<table>');
  });

  it('is a 404 page for another company’s visit or an unknown phase', async () => {
    const other = await bookedVisit(api, jst('2026-12-09', '10:00'), { expertId });
    const browser = browserOf(api);
    expect(
      (await browser.get(`/r/${other.companyToken}/visits/${visit.session.id}/survey`)).status,
    ).toBe(404);
    expect((await browser.get(`${status}/readiness/during`)).status).toBe(404);
    expect((await browser.get(`${status}/visits/not-a-uuid/survey`)).status).toBe(404);
  });
});

describe('the office’s pages', () => {
  it('shows the survey, with the expert rating, and the chart on the request page', async () => {
    const browser = browserOf(api);
    await signIn(browser);
    const page = await browser.get(`/staff/requests/${visit.request.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('id="outcomes-title"');
    expect(page.html).toMatch(/<dt>担当専門家の評価<\/dt><dd>4 満足<\/dd>/);
    expect(page.html).toContain('<svg class="plot"');
    expect(page.html).toContain(`href="/staff/companies/${visit.request.company.id}"`);
  });

  it('records a certification on the company page, warning outside the body’s scope', async () => {
    const browser = browserOf(api);
    const csrf = await signIn(browser);
    const path = `/staff/companies/${visit.request.company.id}`;
    const page = await browser.get(path);
    expect(page.html).toContain('認証の記録はありません。');
    expect(page.html).toContain('<option value="bsk">');

    const bad = await browser.submit(`${path}/certifications`, {
      csrf,
      date: '2020-01-01',
      bodyId: 'bsk',
    });
    expect(bad.location).toBe(path);
    expect(bad.html).toContain('<a href="#date">');
    expect(bad.html).toContain(`href="${path}?lang=en"`);
    const refused = await browser.post(`${path}/certifications`, {
      date: '2026-11-01',
      bodyId: 'jqa',
    });
    expect(refused.status).toBe(403);

    const shown = await browser.submit(`${path}/certifications`, {
      csrf,
      status: 'certified',
      date: '2026-12-01',
      bodyId: 'bsk',
      number: 'BSK-0001',
    });
    expect(shown.location).toBe(path);
    expect(shown.html).toContain('認証の記録を追加しました。');
    expect(shown.html).toContain('BSK-0001');
    // The company is E24: outside the defence body's scope.
    expect(shown.html).toContain('is outside the scope of bsk');
  });

  it('shows the outcome report under the utilisation figures, with its CSV', async () => {
    const browser = browserOf(api);
    await signIn(browser);
    const page = await browser.get('/staff/reports?fiscalYear=2026');
    expect(page.status).toBe(200);
    expect(page.html.indexOf('id="outcomes-title"')).toBeGreaterThan(page.html.indexOf('専門家別'));
    expect(page.html).toMatch(/<strong id="stat-served">1社<\/strong>/);
    expect(page.html).toMatch(/<strong id="stat-response">100\.0%<\/strong>/);
    expect(page.html).toContain('id="readiness-means"');
    const csv = await browser.get('/staff/reports/outcomes.csv?fiscalYear=2026&breakdown=summary');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.html).toContain('派遣先企業数,1');
  });
});
