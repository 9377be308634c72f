import { count } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../../src/db/schema.ts';
import { drain, retryDelayMs } from '../../src/notify/dispatcher.ts';
import { smtpMailer } from '../../src/notify/smtp.ts';
import { type TestApi, testApi } from '../support/api.ts';
import {
  applyAs,
  applyReceived,
  book,
  bookedVisit,
  corporateNumber,
  iso,
  jst,
} from '../support/booking.ts';
import { FRESH_DATABASE_MS } from '../support/matching.ts';
import {
  type CapturedLog,
  dispatcher,
  ofEvent,
  ofKind,
  ofRequest,
  ofSession,
  outbox,
  type ReceivedMail,
  type SmtpSink,
  smtpSink,
} from '../support/notify.ts';
import { freePort } from '../support/server.ts';

// Email notifications against a real SMTP server on loopback: what arrives, how it is encoded,
// what it carries, and what happens when the server refuses. The harness clock stands at
// Wed 2026-11-25 09:00 JST; the dispatcher runs on that same injected clock.

const DEFAULT_NOW = '2026-11-25T00:00:00Z';
const PREFIX = '【技術情報管理 専門家派遣】';
const PHONE = '052-123-4567';

let api: TestApi;
let sink: SmtpSink;
/** Every log line any dispatcher of this file wrote, checked for personal data at the end. */
const logs: CapturedLog[] = [];
/** Personal data this file hands the service, which must never reach a log line. */
const personal = new Set<string>([PHONE]);

beforeAll(async () => {
  api = await testApi();
  sink = await smtpSink();
}, FRESH_DATABASE_MS);
afterAll(async () => {
  await sink?.close();
  await api?.close();
});
afterEach(() => api.setNow(DEFAULT_NOW));

let people = 0;
/** A new company contact and a new expert, each with an address of their own. */
function newPeople() {
  people += 1;
  const contact = {
    name: `担当 ${people}郎`,
    email: `contact${people}@company.example.jp`,
    phone: PHONE,
  };
  const expert = { name: `専門家 ${people}子`, email: `expert${people}@experts.example.jp` };
  for (const value of [contact.name, contact.email, expert.name, expert.email]) personal.add(value);
  return { contact, expert };
}

/** A dispatcher on the harness clock sending to `url` (the shared sink by default). */
function mailing(url: string | null = sink.url) {
  const made = dispatcher(api, { smtpUrl: url });
  made.deps.log = (level, message, fields = {}) => logs.push({ level, message, fields });
  return made;
}

async function visit(start = jst('2026-12-03', '10:00')) {
  const { contact, expert } = newPeople();
  const booked = await bookedVisit(api, start, { expert, application: { contact } });
  personal.add(booked.companyToken);
  return { ...booked, contact, expert };
}

function firstEvent(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { calendar, event: new ICAL.Event(vevent), vevent };
}

function icsOf(message: ReceivedMail) {
  const attachments = message.mail.attachments.filter((a) => a.contentType === 'text/calendar');
  expect(attachments).toHaveLength(1);
  const [attachment] = attachments;
  if (!attachment) throw new Error('no attachment');
  return { attachment, ics: attachment.content.toString('utf8') };
}

function subjectOf(message: ReceivedMail) {
  return message.mail.subject ?? '';
}

describe('an application', () => {
  it('emails its contact 申込受付のお知らせ, Japanese first and English below', async () => {
    const { contact } = newPeople();
    const applied = await applyReceived(api, { contact });
    const [row] = await outbox(api.db, ofRequest(applied.request.id));
    expect(row).toMatchObject({ kind: 'email', event: 'request.received', status: 'pending' });

    expect(await mailing().drain()).toMatchObject({ sent: 1, retried: 0, dead: 0 });
    const [message] = sink.to(contact.email);
    if (!message) throw new Error('nothing arrived');
    expect(subjectOf(message)).toBe(`${PREFIX}申込受付のお知らせ`);
    // On the wire the subject is MIME encoded-words (RFC 2047), never raw UTF-8.
    const subjectLine = /^Subject: (.*(?:\r\n[ \t].*)*)/im.exec(message.raw)?.[1] ?? '';
    expect(subjectLine).toMatch(/^=\?UTF-8\?[BQ]\?/i);
    expect(/^[\t -~]*$/.test(subjectLine.replace(/\r\n/g, ''))).toBe(true);
    expect(message.mail.from?.value[0]?.address).toBe(api.config.officeEmail);
    expect(message.mail.to).toMatchObject({ value: [{ address: contact.email }] });
    expect(message.mail.messageId).toBe(`<${row?.id}@haken.invalid>`);
    const text = message.mail.text ?? '';
    expect(text).toContain(`「${contact.name}」 様`);
    expect(text).toContain(`To: "${contact.name}"`);
    expect(text.indexOf('お申し込みを受け付けました')).toBeLessThan(text.indexOf('[English]'));
    expect(text.indexOf('[English]')).toBeLessThan(text.indexOf('We have received'));
    expect(text).toContain(applied.request.id);
    // The receipt says what happens next (review), and links the company's status page.
    expect(text).toContain('審査');
    expect(text).toContain(`${api.config.publicBaseUrl}/r/${applied.accessToken}`);
    expect(message.mail.attachments).toHaveLength(0);
    const [sent] = await outbox(api.db, ofRequest(applied.request.id));
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(sent?.sentAt).toEqual(api.now());
  });
});

describe('a booking', () => {
  it('emails the company contact and the expert, with the visit as the feeds’ .ics event', async () => {
    const v = await visit();
    await mailing().drain();
    const toCompany = sink
      .to(v.contact.email)
      .filter((m) => subjectOf(m).endsWith('確定のお知らせ'));
    const toExpert = sink.to(v.expert.email);
    expect(toCompany).toHaveLength(1);
    expect(toExpert).toHaveLength(1);
    const fromFeed = await api.call('GET', `/v1/sessions/${v.session.id}/calendar.ics`);
    const feed = firstEvent(fromFeed.text).event;

    for (const message of [...toCompany, ...toExpert]) {
      expect(subjectOf(message)).toBe(`${PREFIX}訪問日程確定のお知らせ`);
      const { attachment, ics } = icsOf(message);
      expect(attachment.filename).toBe(`haken-${v.session.id}.ics`);
      expect(attachment.contentType).toBe('text/calendar');
      const unfolded = message.raw.replace(/\r\n[ \t]+/g, ' ');
      expect(unfolded).toMatch(/Content-Type: text\/calendar;[^\r\n]*method=PUBLISH/i);
      const { calendar, event } = firstEvent(ics);
      expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
      expect(event.uid).toBe(`${v.session.id}@haken`);
      expect(event.sequence).toBe(v.session.sequence);
      expect(event.startDate.toJSDate().toISOString()).toBe(v.session.start);
      expect(event.endDate.toJSDate().toISOString()).toBe(v.session.end);
      // The same event GET /v1/sessions/:id/calendar.ics (and the feeds) serve.
      expect([event.uid, event.sequence, event.summary, event.location]).toEqual([
        feed.uid,
        feed.sequence,
        feed.summary,
        feed.location,
      ]);
    }
    const [company] = toCompany;
    expect(company?.mail.text).toContain('2026年12月3日(木) 10:00〜12:00');
    expect(company?.mail.text).toContain('Thu 3 Dec 2026, 10:00–12:00');
    expect(company?.mail.text).toContain(`専門家: 「${v.expert.name}」`);
    expect(toExpert[0]?.mail.text).toContain(`「${v.expert.name}」 様`);
    // The status link goes to the company only.
    expect(company?.mail.text).toContain(`/r/${v.companyToken}`);
    expect(toExpert[0]?.mail.text).not.toContain('/r/');
  });

  it('that is rolled back (409 slot-taken, 422) leaves no notification and sends nothing', async () => {
    const v = await visit();
    const rival = await applyAs(api, { contact: newPeople().contact });
    const before = await api.db.select({ n: count() }).from(notifications);

    const taken = await book(api, rival.request.id, {
      expertId: v.expertId,
      start: v.session.start,
    });
    expect(taken.status, taken.text).toBe(409);
    expect(taken.body.code).toBe('slot-taken');
    const sunday = await book(api, rival.request.id, {
      expertId: v.expertId,
      start: jst('2026-12-06', '10:00'),
    });
    expect(sunday.status, sunday.text).toBe(422);
    const offGrid = await book(api, rival.request.id, {
      expertId: v.expertId,
      start: jst('2026-12-04', '10:10'),
    });
    expect(offGrid.status, offGrid.text).toBe(422);

    expect(await api.db.select({ n: count() }).from(notifications)).toEqual(before);
    expect(await outbox(api.db, ofRequest(rival.request.id), ofEvent('session.booked'))).toEqual(
      [],
    );
    await mailing().drain();
    const rivalMail = sink.received.filter((m) => (m.mail.text ?? '').includes(rival.request.id));
    expect(rivalMail.map(subjectOf).sort()).toEqual(
      [`${PREFIX}派遣決定のお知らせ`, `${PREFIX}申込受付のお知らせ`].sort(),
    );
  });
});

describe('changes to a visit', () => {
  it('reschedule, cancel: both parties hear of each, with the .ics at its new SEQUENCE', async () => {
    const v = await visit();
    const moved = await api.call('POST', `/v1/sessions/${v.session.id}/reschedule`, {
      body: { start: iso(jst('2026-12-04', '13:00')) },
    });
    expect(moved.status, moved.text).toBe(200);
    const cancelled = await api.call('POST', `/v1/sessions/${v.session.id}/cancel`, {
      token: v.companyToken,
      body: { reason: '社内事情により' },
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    await mailing().drain();

    for (const address of [v.contact.email, v.expert.email]) {
      // One drain sends them side by side, so they may arrive in any order: as calendar
      // clients do, order them by the event's SEQUENCE.
      const sequence = (m: ReceivedMail) => firstEvent(icsOf(m).ics).event.sequence;
      const mail = sink
        .to(address)
        .filter((m) => m.mail.attachments.length > 0)
        .sort((a, b) => sequence(a) - sequence(b));
      expect(mail.map(subjectOf)).toEqual([
        `${PREFIX}訪問日程確定のお知らせ`,
        `${PREFIX}訪問日程変更のお知らせ`,
        `${PREFIX}訪問中止のお知らせ`,
      ]);
      const [, rescheduled, cancel] = mail.map((m) => firstEvent(icsOf(m).ics).event);
      expect(rescheduled?.sequence).toBe(moved.body.sequence);
      expect(rescheduled?.startDate.toJSDate().toISOString()).toBe(moved.body.start);
      expect(cancel?.sequence).toBe(cancelled.body.sequence);
      expect(cancel?.component.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(mail[1]?.mail.text).toContain('変更前: 2026年12月3日(木) 10:00〜12:00');
      expect(mail[2]?.mail.text).toContain('中止の理由: 「社内事情により」');
    }
  });

  it('withdrawing the request cancels its visit and says so to both', async () => {
    const v = await visit();
    const res = await api.call('POST', `/v1/requests/${v.request.id}/cancel`, {
      token: v.companyToken,
      body: {},
    });
    expect(res.status, res.text).toBe(200);
    const rows = await outbox(api.db, ofSession(v.session.id), ofEvent('session.cancelled'));
    expect(rows.map((r) => r.recipient).sort()).toEqual([v.contact.email, v.expert.email].sort());
  });

  it('report and no-show: 訪問完了 and 訪問未実施 to both', async () => {
    const done = await visit(jst('2026-12-03', '10:00'));
    const missed = await visit(jst('2026-12-03', '14:00'));
    api.setNow('2026-12-03T08:00:00Z');
    const report = await api.call('POST', `/v1/sessions/${done.session.id}/report`, {
      body: { topicsCovered: ['identify'], summary: '助言を行った。', followUpNeeded: false },
    });
    expect(report.status, report.text).toBe(200);
    const noShow = await api.call('POST', `/v1/sessions/${missed.session.id}/no-show`);
    expect(noShow.status, noShow.text).toBe(200);
    await mailing().drain();
    for (const [v, subject] of [
      [done, '訪問完了のお知らせ'],
      [missed, '訪問未実施のお知らせ'],
    ] as const) {
      for (const address of [v.contact.email, v.expert.email]) {
        expect(sink.to(address).map(subjectOf)).toContain(`${PREFIX}${subject}`);
      }
    }
    // The company of the completed visit is asked for its survey, on its status page.
    const completed = (address: string) =>
      sink.to(address).find((m) => subjectOf(m) === `${PREFIX}訪問完了のお知らせ`)?.mail.text ?? '';
    const survey = `/r/${done.companyToken}#survey`;
    expect(completed(done.contact.email)).toContain(
      `訪問についてのアンケートにご協力ください（訪問ごとに1回、回答から14日間は変更できます）:\n${api.config.publicBaseUrl}${survey}`,
    );
    expect(completed(done.contact.email)).toContain('Please tell us how the visit went');
    expect(completed(done.expert.email)).not.toContain('アンケート');
    const missedMail = sink.to(missed.contact.email).map((m) => m.mail.text ?? '');
    expect(missedMail.join('\n')).not.toContain('アンケート');
  });
});

describe('the reminder', () => {
  const reminders = (address: string) =>
    sink.to(address).filter((m) => subjectOf(m) === `${PREFIX}訪問2日前のご案内`);

  it('goes out 48 hours before the visit, not before, to both, with the .ics', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    const rows = await outbox(api.db, ofSession(v.session.id), ofEvent('session.reminder'));
    expect(rows).toHaveLength(2);
    const due = new Date(Date.parse(v.session.start) - 48 * 3600_000);
    for (const row of rows) expect(row.nextAttemptAt).toEqual(due);

    const { drain: send } = mailing();
    await send();
    expect(reminders(v.contact.email)).toEqual([]);
    api.setNow(new Date(due.getTime() - 1000));
    await send();
    expect(reminders(v.contact.email)).toEqual([]);
    api.setNow(due);
    await send();
    for (const address of [v.contact.email, v.expert.email]) {
      const [reminder] = reminders(address);
      if (!reminder) throw new Error(`no reminder for ${address}`);
      expect(firstEvent(icsOf(reminder).ics).event.sequence).toBe(v.session.sequence);
      expect(reminder.mail.text).toContain('2026年12月3日(木) 10:00〜12:00');
    }
  });

  it('of a rescheduled visit follows the new time; the stale one is skipped', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    const moved = await api.call('POST', `/v1/sessions/${v.session.id}/reschedule`, {
      body: { start: iso(jst('2026-12-07', '10:00')) },
    });
    expect(moved.status, moved.text).toBe(200);
    const { drain: send } = mailing();
    api.setNow(new Date(Date.parse(v.session.start) - 48 * 3600_000));
    await send();
    expect(reminders(v.contact.email)).toEqual([]);
    const stale = await outbox(api.db, ofSession(v.session.id), ofEvent('session.reminder'));
    expect(stale.map((r) => r.status).sort()).toEqual(['pending', 'pending', 'skipped', 'skipped']);
    expect(stale.find((r) => r.status === 'skipped')?.lastError).toBe(
      'superseded: session changed',
    );

    api.setNow(new Date(Date.parse(moved.body.start) - 48 * 3600_000));
    await send();
    const [reminder] = reminders(v.contact.email);
    expect(reminder?.mail.text).toContain('2026年12月7日(月) 10:00〜12:00');
    expect(firstEvent(icsOf(reminder as ReceivedMail).ics).event.sequence).toBe(
      moved.body.sequence,
    );
  });

  it('of a cancelled visit is not sent', async () => {
    const v = await visit(jst('2026-12-03', '10:00'));
    await api.call('POST', `/v1/sessions/${v.session.id}/cancel`, { body: {} });
    api.setNow(new Date(Date.parse(v.session.start) - 48 * 3600_000));
    await mailing().drain();
    expect(reminders(v.contact.email)).toEqual([]);
    expect(reminders(v.expert.email)).toEqual([]);
    const rows = await outbox(api.db, ofSession(v.session.id), ofEvent('session.reminder'));
    expect(rows.map((r) => [r.status, r.lastError])).toEqual([
      ['skipped', 'superseded: session cancelled'],
      ['skipped', 'superseded: session cancelled'],
    ]);
  });

  it(
    'is not queued for a visit less than 48 hours away (MIN_NOTICE_HOURS under 48)',
    async () => {
      const short = await testApi({ MIN_NOTICE_HOURS: '24' });
      try {
        short.setNow('2026-12-01T23:00:00Z');
        const booked = await bookedVisit(short, jst('2026-12-03', '14:00'), {
          application: {
            preferredWindows: [
              { start: iso(jst('2026-12-03', '09:00')), end: iso(jst('2026-12-04', '09:00')) },
            ],
          },
        });
        const rows = await outbox(short.db, ofSession(booked.session.id));
        expect(rows.map((r) => r.event)).not.toContain('session.reminder');
        expect(rows.map((r) => r.event)).toContain('session.booked');
      } finally {
        await short.close();
      }
    },
    FRESH_DATABASE_MS,
  );
});

describe('a failing SMTP server', () => {
  it('refusing one recipient (451): retries with backoff, then a dead row; the rest is sent', async () => {
    const refusing = await smtpSink({
      refuse: (to) =>
        to.some((a) => a.startsWith('bounce'))
          ? { code: 451, message: '4.3.0 mailbox busy, try later' }
          : null,
    });
    try {
      const expert = newPeople().expert;
      const contact = { name: '不達 太郎', email: `bounce${people}@company.example.jp` };
      personal.add(contact.email);
      const booked = await bookedVisit(api, jst('2026-12-03', '10:00'), {
        expert,
        application: { contact },
      });
      const send = mailing(refusing.url);
      const failing = async () => {
        const [row] = await outbox(
          api.db,
          ofSession(booked.session.id),
          ofEvent('session.booked'),
          ofKind('email'),
        ).then((rows) => rows.filter((r) => r.recipient === contact.email));
        if (!row) throw new Error('row missing');
        return row;
      };

      await send.drain();
      expect(refusing.to(expert.email).map(subjectOf)).toEqual([`${PREFIX}訪問日程確定のお知らせ`]);

      const max = api.config.notifyMaxAttempts;
      expect(max).toBe(8);
      for (let attempt = 1; attempt < max; attempt++) {
        const row = await failing();
        expect(row).toMatchObject({ status: 'pending', attempts: attempt });
        expect(row.lastError).toBe('smtp EMESSAGE 451');
        const wait = row.nextAttemptAt.getTime() - api.now().getTime();
        const full = retryDelayMs(attempt, 1);
        expect(wait).toBeGreaterThanOrEqual(full / 2);
        expect(wait).toBeLessThanOrEqual(full);
        // Not a moment before its time…
        api.setNow(new Date(row.nextAttemptAt.getTime() - 1));
        await send.drain();
        expect((await failing()).attempts).toBe(attempt);
        // …and retried at it. Meanwhile a new application's message goes straight out.
        if (attempt === 3) {
          const later = newPeople().contact;
          await applyReceived(api, { contact: later, corporateNumber: corporateNumber() });
          await send.drain();
          expect(refusing.to(later.email).map(subjectOf)).toEqual([`${PREFIX}申込受付のお知らせ`]);
        }
        api.setNow(row.nextAttemptAt);
        await send.drain();
      }
      const dead = await failing();
      expect(dead).toMatchObject({ status: 'dead', attempts: max, lastError: 'smtp EMESSAGE 451' });
      expect(refusing.refused()).toBeGreaterThanOrEqual(max);
      expect(refusing.to(contact.email)).toEqual([]);

      const listed = await api.call('GET', '/v1/notifications?status=dead');
      expect(listed.status, listed.text).toBe(200);
      expect(listed.body.items).toContainEqual(
        expect.objectContaining({
          id: dead.id,
          kind: 'email',
          event: 'session.booked',
          status: 'dead',
          attempts: max,
          lastError: 'smtp EMESSAGE 451',
          recipient: contact.email,
        }),
      );
      expect(listed.body.items.every((n: { status: string }) => n.status === 'dead')).toBe(true);
      expect(JSON.stringify(listed.body)).not.toContain('payload');
      // Nothing else was lost: every other message of this visit was sent once.
      const others = await outbox(api.db, ofSession(booked.session.id), ofEvent('session.booked'));
      expect(others.filter((r) => r.id !== dead.id).map((r) => r.status)).toEqual(['sent']);
    } finally {
      await refusing.close();
    }
  });

  it('unreachable (closed port): retried, then sent once the server is back, same Message-ID', async () => {
    const { contact } = newPeople();
    const applied = await applyReceived(api, { contact });
    const closed = `smtp://127.0.0.1:${await freePort()}`;
    const down = mailing(closed);
    expect(await down.drain()).toMatchObject({ sent: 0, retried: 1 });
    const [row] = await outbox(api.db, ofRequest(applied.request.id));
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row?.lastError).toMatch(/^smtp (ECONNECTION|ESOCKET)$/);

    api.setNow(row?.nextAttemptAt ?? new Date());
    await mailing().drain();
    const [message] = sink.to(contact.email);
    expect(message?.mail.messageId).toBe(`<${row?.id}@haken.invalid>`);
    expect((await outbox(api.db, ofRequest(applied.request.id)))[0]).toMatchObject({
      status: 'sent',
      attempts: 2,
      lastError: null,
    });
  });
});

describe('without SMTP_URL (email off)', () => {
  it('rows are written and kept pending; the dispatcher leaves them alone', async () => {
    const { contact } = newPeople();
    const applied = await applyReceived(api, { contact });
    const off = mailing(null);
    expect(off.deps.mailer).toBeNull();
    await off.drain();
    const [row] = await outbox(api.db, ofRequest(applied.request.id));
    expect(row).toMatchObject({ kind: 'email', status: 'pending', attempts: 0 });
    expect(sink.to(contact.email)).toEqual([]);
  });
});

describe('the dispatcher', () => {
  it('sends one message once even when drained twice at once (one database)', async () => {
    const { contact } = newPeople();
    await applyReceived(api, { contact });
    const a = mailing();
    const b = mailing();
    const [x, y] = await Promise.all([a.drain(), b.drain()]);
    expect((x?.sent ?? 0) + (y?.sent ?? 0)).toBeGreaterThanOrEqual(1);
    expect(sink.to(contact.email)).toHaveLength(1);
  });

  it('can be pointed at email only, and a mailer can be shared by drains', async () => {
    const { contact } = newPeople();
    await applyReceived(api, { contact });
    const { deps } = mailing();
    const mailer = smtpMailer(sink.url);
    expect(await drain({ ...deps, mailer }, { kinds: ['email'] })).toMatchObject({ sent: 1 });
    expect(sink.to(contact.email)).toHaveLength(1);
  });

  it('logs ids, events and codes only: no address, name, phone or token', () => {
    expect(logs.length).toBeGreaterThan(10);
    const text = JSON.stringify(logs);
    expect(logs.some((l) => l.message === 'notification dead')).toBe(true);
    for (const value of personal) expect(text).not.toContain(value);
    expect(text).not.toContain('@');
    expect(text).not.toContain('hkc_');
    for (const log of logs) {
      expect(Object.keys(log.fields).sort()).toEqual(
        expect.arrayContaining(['attempt', 'event', 'id', 'kind']),
      );
    }
  });
});
