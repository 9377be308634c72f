import { type CalendarOrganizer, sessionEventFile } from '../calendar/export.ts';
import { prefecture } from '../domain/prefectures.ts';
import { TOKYO_OFFSET_MS } from '../domain/time.ts';
import { topics } from '../domain/topics.ts';
import { type EmailPayload, type NotificationEvent, reviveCalendarSession } from './payload.ts';

// Renders an outbox row into an email: pure, so what a recipient reads is decided here alone.
// Japanese first, English below; the visit rides along as the same .ics event the feeds serve.

export type EmailNotification = {
  id: string;
  event: NotificationEvent;
  recipient: string;
  payload: EmailPayload;
};

export type RenderedEmail = {
  to: { name: string; address: string };
  subject: string;
  text: string;
  attachments: { filename: string; content: string; contentType: string }[];
};

export const SUBJECT_PREFIX = '【技術情報管理 専門家派遣】';

type Lines = { ja: string; en: string };
// Only the company hears of an application: it has no expert yet.
type Copy = { subject: string; title: string; company: Lines; expert?: Lines };

const copy: Record<NotificationEvent, Copy> = {
  'request.received': {
    subject: '申込受付のお知らせ',
    title: 'Application received',
    company: {
      ja: 'お申し込みを受け付けました。事務局で専門家と訪問日程を調整し、確定しましたらあらためてご連絡いたします。',
      en: 'We have received your application. The programme office will arrange a visit with an expert and write to you again once the date is fixed.',
    },
  },
  'session.booked': {
    subject: '訪問日程確定のお知らせ',
    title: 'Visit confirmed',
    company: {
      ja: '専門家の訪問日程が確定しましたので、お知らせいたします。',
      en: 'Your expert visit has been scheduled.',
    },
    expert: {
      ja: '専門家派遣の訪問日程が確定しました。ご対応をお願いいたします。',
      en: 'A visit has been scheduled for you. Thank you for taking it on.',
    },
  },
  'session.rescheduled': {
    subject: '訪問日程変更のお知らせ',
    title: 'Visit rescheduled',
    company: {
      ja: '訪問の日程が変更されました。新しい日程は次のとおりです。',
      en: 'The visit has been moved. The new time is below.',
    },
    expert: {
      ja: '訪問の日程が変更されました。新しい日程は次のとおりです。',
      en: 'The visit has been moved. The new time is below.',
    },
  },
  'session.cancelled': {
    subject: '訪問中止のお知らせ',
    title: 'Visit cancelled',
    company: { ja: '次の訪問は中止となりました。', en: 'The visit below has been cancelled.' },
    expert: { ja: '次の訪問は中止となりました。', en: 'The visit below has been cancelled.' },
  },
  'session.completed': {
    subject: '訪問完了のお知らせ',
    title: 'Visit completed',
    company: {
      ja: '専門家の訪問が完了しました。ご協力ありがとうございました。',
      en: 'The expert visit has taken place. Thank you for your cooperation.',
    },
    expert: {
      ja: '訪問報告を受け付けました。ご対応ありがとうございました。',
      en: 'Your visit report has been received. Thank you.',
    },
  },
  'session.no-show': {
    subject: '訪問未実施のお知らせ',
    title: 'Visit did not take place',
    company: {
      ja: '予定していた訪問は、ご不在のため実施できませんでした。あらためて訪問をご希望の場合は、事務局までご連絡ください。',
      en: 'The scheduled visit could not take place because no one was there to receive it. If you would like another visit, please contact the programme office.',
    },
    expert: {
      ja: '次の訪問を「先方不在のため未実施」として記録しました。',
      en: 'The visit below has been recorded as not received by the company.',
    },
  },
  'session.reminder': {
    subject: '訪問2日前のご案内',
    title: 'Reminder: visit in two days',
    company: {
      ja: '訪問予定日が近づいてまいりましたので、ご案内いたします。',
      en: 'A reminder: your expert visit takes place in two days.',
    },
    expert: {
      ja: '訪問予定日が近づいてまいりましたので、ご案内いたします。',
      en: 'A reminder: your visit takes place in two days.',
    },
  },
};

const OFFICE = {
  ja: '技術情報管理 専門家派遣事業 事務局',
  en: 'Programme office, METI Expert Dispatch for Technology Information Management',
};

const FORMAT: Record<'onsite' | 'online' | 'either', Lines> = {
  onsite: { ja: '訪問', en: 'On site' },
  online: { ja: 'オンライン', en: 'Online' },
  either: { ja: '訪問またはオンライン', en: 'On site or online' },
};

const topicName = new Map(topics.map((t) => [t.code as string, t.name]));

/** A stable Message-ID for an outbox row: every retry of a message carries the same one. */
export function messageId(notificationId: string, officeEmail: string): string {
  const domain = officeEmail.split('@').pop() || 'haken.invalid';
  return `<${notificationId}@${domain}>`;
}

export function renderEmail(
  notification: EmailNotification,
  organizer: CalendarOrganizer,
): RenderedEmail {
  const { event, payload } = notification;
  const text = copy[event];
  const lead = (payload.audience === 'expert' && text.expert) || text.company;
  const details = payload.visit ? visitDetails(payload) : requestDetails(payload);
  const attachments = payload.visit
    ? [
        {
          filename: `haken-${payload.visit.event.id}.ics`,
          content: sessionEventFile(reviveCalendarSession(payload.visit.event), { organizer }),
          contentType: 'text/calendar; charset=UTF-8; method=PUBLISH',
        },
      ]
    : [];
  const attached = attachments.length > 0;
  const ja = [
    payload.audience === 'company'
      ? `${payload.request.companyName}\n${payload.name} 様`
      : `${payload.name} 様`,
    '',
    lead.ja,
    '',
    details.ja,
    '',
    ...(attached ? ['予定をカレンダーに登録できるファイル（.ics）を添付しています。'] : []),
    `ご不明な点は事務局（${organizer.email}）までお問い合わせください。`,
    '',
    OFFICE.ja,
    organizer.email,
  ];
  const en = [
    `Dear ${payload.name}${payload.audience === 'company' ? ` (${payload.request.companyName})` : ''},`,
    '',
    lead.en,
    '',
    details.en,
    '',
    ...(attached ? ['The visit is attached as a calendar file (.ics).'] : []),
    `Questions: ${organizer.email}`,
    '',
    OFFICE.en,
  ];
  return {
    to: { name: payload.name, address: notification.recipient },
    subject: `${SUBJECT_PREFIX}${text.subject}`,
    text: [...ja, '', '―'.repeat(30), `[English] ${text.title}`, '', ...en, ''].join('\n'),
    attachments,
  };
}

function requestDetails(payload: EmailPayload): Lines {
  const { request } = payload;
  const names = topicNames(request.topics);
  return {
    ja: [
      '■ お申し込みの内容',
      `企業名: ${request.companyName}`,
      `希望形式: ${FORMAT[request.format].ja}`,
      `所要時間: ${request.durationMinutes}分`,
      `相談テーマ: ${names.ja}`,
      `申込ID: ${request.id}`,
    ].join('\n'),
    en: [
      'Your application',
      `Company: ${request.companyName}`,
      `Format: ${FORMAT[request.format].en}`,
      `Duration: ${request.durationMinutes} minutes`,
      `Topics: ${names.en}`,
      `Request ID: ${request.id}`,
    ].join('\n'),
  };
}

function visitDetails(payload: EmailPayload): Lines {
  const visit = payload.visit;
  if (!visit) throw new Error('no visit to describe');
  const { event, previous, cancelReason } = visit;
  const place = prefecture(payload.request.prefectureCode)?.name;
  const format: Lines =
    event.format === 'onsite'
      ? { ja: `訪問（${place?.ja ?? ''}）`, en: `On site (${place?.en ?? ''})` }
      : FORMAT.online;
  const names = topicNames(payload.request.topics);
  const reason = cancelReason && event.status === 'cancelled' ? cancelReason : null;
  return {
    ja: [
      '■ 訪問の内容',
      `日時: ${rangeJa(event.start, event.end)}（日本時間）`,
      ...(previous ? [`変更前: ${rangeJa(previous.start, previous.end)}`] : []),
      `形式: ${format.ja}`,
      `企業名: ${event.companyName}`,
      `専門家: ${event.expertName}`,
      `相談テーマ: ${names.ja}`,
      ...(reason ? [`中止の理由: ${reason}`] : []),
      `申込ID: ${payload.request.id}`,
    ].join('\n'),
    en: [
      'The visit',
      `When: ${rangeEn(event.start, event.end)} (Japan time)`,
      ...(previous ? [`Before: ${rangeEn(previous.start, previous.end)}`] : []),
      `Format: ${format.en}`,
      `Company: ${event.companyName}`,
      `Expert: ${event.expertName}`,
      `Topics: ${names.en}`,
      ...(reason ? [`Reason: ${reason}`] : []),
      `Request ID: ${payload.request.id}`,
    ].join('\n'),
  };
}

function topicNames(codes: readonly string[]): Lines {
  const names = codes.map((c) => topicName.get(c) ?? { ja: c, en: c });
  return {
    ja: names.map((n) => n.ja).join('、') || '未定',
    en: names.map((n) => n.en).join('; ') || 'to be decided',
  };
}

const WEEKDAY_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEKDAY_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_EN = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** Tokyo wall-clock fields of an instant, whatever the process's time zone. */
function tokyo(iso: string) {
  const d = new Date(Date.parse(iso) + TOKYO_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth(),
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    time: d.toISOString().slice(11, 16),
  };
}

function rangeJa(start: string, end: string): string {
  const a = tokyo(start);
  const b = tokyo(end);
  const date = (t: typeof a) => `${t.year}年${t.month + 1}月${t.day}日(${WEEKDAY_JA[t.weekday]})`;
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return `${date(a)} ${a.time}〜${sameDay ? '' : `${date(b)} `}${b.time}`;
}

function rangeEn(start: string, end: string): string {
  const a = tokyo(start);
  const b = tokyo(end);
  const date = (t: typeof a) => `${WEEKDAY_EN[t.weekday]} ${t.day} ${MONTH_EN[t.month]} ${t.year}`;
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return `${date(a)}, ${a.time}–${sameDay ? '' : `${date(b)} `}${b.time}`;
}
