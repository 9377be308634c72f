import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../../src/db/schema.ts';
import { type EmailNotification, renderEmail } from '../../src/notify/email.ts';
import type { EmailPayload } from '../../src/notify/payload.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { applyReceived, bookedVisit, jst } from '../support/booking.ts';
import { application, expert } from '../support/fixtures.ts';
import { expectFieldError } from '../support/problems.ts';

// Text that reaches other people (emails, pages, calendars, CSV) is held to what it is: a
// single-line field refuses every control character, a multi-line one takes LF alone, and an
// email quotes typed text under a label, never letting it open the message or stand alone.

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

const LAYOUT_BREAKERS: [string, string][] = [
  ['LF', '\n'],
  ['CR', '\r'],
  ['tab', '\t'],
  ['NEL (U+0085)', '\u0085'],
  ['line separator (U+2028)', '\u2028'],
  ['right-to-left override (U+202E)', '\u202e'],
  ['escape', '\u001b'],
];

describe('single-line fields', () => {
  it.each(LAYOUT_BREAKERS)('refuse %s, naming the field, and store nothing', async (_, char) => {
    const value = `株式会社${char}事務局からのお知らせ`;
    const before = await api.db.select().from(notifications);
    const apply = (body: Record<string, unknown>) =>
      api.call('POST', '/v1/requests', { token: null, body: application(api, body) });
    expectFieldError(
      await apply({ company: { ...application(api).company, name: value } }),
      'company.name',
    );
    expectFieldError(
      await apply({ contact: { ...application(api).contact, name: value } }),
      'contact.name',
    );
    expectFieldError(
      await api.call('POST', '/v1/experts', { body: expert({ name: value }) }),
      'name',
    );
    expectFieldError(
      await api.call('POST', '/v1/experts', { body: expert({ affiliation: value }) }),
      'affiliation',
    );
    expectFieldError(
      await api.call('POST', '/v1/tokens', { body: { role: 'staff', label: value } }),
      'label',
    );
    const { request } = await applyReceived(api);
    expectFieldError(
      await api.call('POST', `/v1/requests/${request.id}/decline`, { body: { reason: value } }),
      'reason',
    );
    expectFieldError(
      await api.call('POST', `/v1/requests/${request.id}/cancel`, { body: { reason: value } }),
      'reason',
    );
    const read = await api.call('GET', `/v1/requests/${request.id}`);
    expect(read.body.status).toBe('received');
    const after = await api.db.select().from(notifications);
    // Only the one good application wrote its messages.
    expect(after.length - before.length).toBe(1);
  });
});

describe('multi-line fields', () => {
  it('take LF, and refuse CR and other control characters', async () => {
    const ok = await api.call('POST', '/v1/requests', {
      token: null,
      body: application(api, { notes: '一行目\n二行目' }),
    });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.request.notes).toBe('一行目\n二行目');
    for (const notes of ['一行目\r\n二行目', '一行目\r二行目', '一\u0007行目', '一\u2028行目']) {
      const res = await api.call('POST', '/v1/requests', {
        token: null,
        body: application(api, { notes }),
      });
      expectFieldError(res, 'notes');
    }
  });

  it('the visit report’s summary likewise', async () => {
    const v = await bookedVisit(api, jst('2026-12-03', '10:00'));
    api.setNow(jst('2026-12-03', '13:00'));
    try {
      const report = (summary: string) =>
        api.call('POST', `/v1/sessions/${v.session.id}/report`, {
          body: { topicsCovered: ['identify'], summary, followUpNeeded: false },
        });
      expectFieldError(await report('実施した。\r\n次回は教育。'), 'summary');
      const res = await report('実施した。\n次回は教育。');
      expect(res.status, res.text).toBe(200);
      expect(res.body.report.summary).toBe('実施した。\n次回は教育。');
    } finally {
      api.setNow('2026-11-25T00:00:00Z');
    }
  });
});

describe('emails', () => {
  const posing = '【重要】事務局からのお知らせ：振込先が変わりました https://evil.example/pay';

  function received(payload: Partial<EmailPayload['request']>, review?: string) {
    const notification: EmailNotification = {
      id: '00000000-0000-4000-8000-000000000001',
      event: review ? 'request.declined' : 'request.received',
      recipient: 'yamada@example.jp',
      payload: {
        audience: 'company',
        name: posing,
        request: {
          id: '00000000-0000-4000-8000-000000000002',
          companyName: posing,
          prefectureCode: '13',
          topics: ['identify'],
          format: 'online',
          durationMinutes: 120,
          ...payload,
        },
        ...(review ? { review: { note: review } } : {}),
      },
    };
    return renderEmail(notification, { name: '事務局', email: 'office@example.jp' }).text;
  }

  it('open with the office’s own words, and quote typed text on a labelled line', () => {
    for (const text of [received({}), received({}, posing)]) {
      const lines = text.split('\n');
      expect(lines[0]).toBe('技術情報管理 専門家派遣事業 事務局からのご連絡です。');
      const carrying = lines.filter((line) => line.includes(posing));
      expect(carrying.length).toBeGreaterThan(0);
      for (const line of carrying) {
        // Label, then the text inside quotes: never a line (a paragraph) of its own.
        expect(line).toMatch(/^[^「"]{1,20}: (.*)$/);
        expect(line.includes(`「${posing}」`) || line.includes(`"${posing}"`)).toBe(true);
        expect(line.startsWith(posing)).toBe(false);
      }
    }
  });

  it('quote a multi-line note on one line, so no paragraph of it stands alone', () => {
    const text = received({}, '事務局です。\n\n下記に振り込んでください。');
    expect(text).toContain('理由: 「事務局です。 / 下記に振り込んでください。」');
    expect(text.split('\n')).not.toContain('下記に振り込んでください。');
  });

  it('as queued by a real application, carry the quoted name', async () => {
    const { request } = await applyReceived(api);
    const [row] = await api.db
      .select()
      .from(notifications)
      .where(eq(notifications.requestId, request.id));
    const text = renderEmail(
      {
        id: row?.id ?? '',
        event: 'request.received',
        recipient: row?.recipient ?? '',
        payload: row?.payload as EmailPayload,
      },
      { name: '事務局', email: 'office@example.jp' },
    ).text;
    expect(text).toContain(`企業名: 「${request.company.name}」`);
    expect(text.split('\n')[0]).toBe('技術情報管理 専門家派遣事業 事務局からのご連絡です。');
  });
});
