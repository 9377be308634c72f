import { type CalendarOrganizer, sessionEventFile } from '../calendar/export.ts';
import { prefecture } from '../domain/prefectures.ts';
import { TOKYO_OFFSET_MS } from '../domain/time.ts';
import { topics } from '../domain/topics.ts';
import {
  type EmailEvent,
  type EmailPayload,
  type NotificationEvent,
  reviveCalendarSession,
  type SignInEmailPayload,
} from './payload.ts';

// Renders an outbox row into an email: pure, so what a recipient reads is decided here alone.
// Japanese first, English below; the visit rides along as the same .ics event the feeds serve.
// Every message opens with the office's own words, and text someone typed (a company's name, a
// reason) appears only labelled and quoted on a line of its own label (企業名: 「…」), so no
// applicant can make a message read as if the office had written their text.

export type EmailNotification = {
  id: string;
  event: EmailEvent;
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
// Only the company hears of an application: it has no expert yet. A travel claim's decision is
// its expert's alone, and a disputed visit the office's.
type Copy = { subject: string; title: string } & Partial<Record<EmailPayload['audience'], Lines>>;

const copy: Record<EmailEvent, Copy> = {
  'request.received': {
    subject: '申込受付のお知らせ',
    title: 'Application received',
    company: {
      ja: 'お申し込みを受け付けました。事務局で内容を審査し、派遣の可否をこのメールアドレスにお知らせします。派遣が決まりましたら、状況ページから訪問日時をお選びいただけます。',
      en: 'We have received your application. The programme office will review it and write to this address with its decision. Once a visit is approved, you choose its time on your status page.',
    },
  },
  'request.accepted': {
    subject: '派遣決定のお知らせ',
    title: 'Visit approved',
    company: {
      ja: 'お申し込みを審査し、専門家の派遣を決定しました。状況ページから、ご都合のよい訪問日時をお選びください。',
      en: 'The programme office has reviewed your application and will send an expert. Please choose a time for the visit on your status page.',
    },
  },
  'request.declined': {
    subject: '審査結果のお知らせ',
    title: 'Application not approved',
    company: {
      ja: 'お申し込みを審査しましたが、誠に恐れ入りますが、今回は専門家の派遣を見送らせていただきます。',
      en: 'The programme office has reviewed your application and is unable to send an expert this time.',
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
  'session.updated': {
    subject: '訪問情報更新のお知らせ',
    title: 'Visit details updated',
    company: {
      ja: '訪問の情報が更新されました（日時は変わりません）。最新の内容は次のとおりです。',
      en: 'The details of the visit have changed (not its time). They are below.',
    },
    expert: {
      ja: '訪問の情報が更新されました（日時は変わりません）。最新の内容は次のとおりです。',
      en: 'The details of the visit have changed (not its time). They are below.',
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
      ja: '専門家の訪問が完了しました。ご協力ありがとうございました。お手数ですが、状況ページから、訪問が実施されたことのご確認（従事確認）をお願いいたします。',
      en: 'The expert visit has taken place. Thank you for your cooperation. Please confirm on your status page that the visit took place: the office pays the expert only for a confirmed visit.',
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
  'session.attendance-disputed': {
    subject: '従事確認：企業が訪問の実施に異議',
    title: 'A company disputes a visit',
    office: {
      ja: '申込企業が、次の訪問の実施について「確認できない」と回答しました。内容を確認し、実施が確認できた場合は事務局の支払画面から代理で確認してください。',
      en: 'A company says the visit below did not take place as reported. Please look into it; once it is settled, confirm the visit for the company from the payments page.',
    },
  },
  'travel-claim.approved': {
    subject: '旅費請求の承認のお知らせ',
    title: 'Travel claim approved',
    expert: {
      ja: '次の訪問の旅費請求を、請求どおり承認しました。謝金とあわせてお支払いします。',
      en: 'Your travel claim for the visit below has been approved as claimed. It is paid with your fee.',
    },
  },
  'travel-claim.adjusted': {
    subject: '旅費請求の修正のお知らせ',
    title: 'Travel claim adjusted',
    expert: {
      ja: '次の訪問の旅費請求を確認し、金額を修正のうえ承認しました。修正の理由は次のとおりです。',
      en: 'Your travel claim for the visit below has been approved at an adjusted amount, for the reason below.',
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

const OPENING: Lines = {
  ja: `${OFFICE.ja}からのご連絡です。`,
  en: `A message from the ${OFFICE.en}.`,
};

/** Typed text as it may appear in a message: quoted, on one line. */
const quoted = {
  ja: (text: string) => `「${oneLine(text)}」`,
  en: (text: string) => `"${oneLine(text)}"`,
};

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' / ');
}

/** What a message links to and signs with, beyond its row: known when it is sent. */
export type EmailContext = {
  /** The company's status page, for a message to the company. */
  statusUrl?: string;
  officePhone?: string;
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
  context: EmailContext = {},
): RenderedEmail {
  const { event, payload } = notification;
  const text = copy[event];
  const lead = text[payload.audience] ?? text.company;
  if (!lead) throw new Error(`no ${payload.audience} copy for ${event}`);
  const details = payload.claim
    ? claimDetails(payload)
    : payload.visit
      ? visitDetails(payload)
      : requestDetails(event, payload);
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
  const status = payload.audience === 'company' ? context.statusUrl : undefined;
  // After a visit the company is asked how it went: the survey is on its status page.
  const survey = status && event === 'session.completed' ? `${status}#survey` : undefined;
  const phone = context.officePhone;
  const ja = [
    OPENING.ja,
    payload.audience === 'company'
      ? `宛先: ${quoted.ja(payload.request.companyName)} ${quoted.ja(payload.name)} 様`
      : payload.audience === 'office'
        ? `宛先: ${OFFICE.ja}`
        : `宛先: ${quoted.ja(payload.name)} 様`,
    '',
    lead.ja,
    '',
    details.ja,
    '',
    ...(status
      ? [
          'お申し込みの状況・訪問日時の選択・取消はこちら（このリンクは他の方に知らせないでください）:',
          status,
          '',
        ]
      : []),
    ...(survey
      ? [
          '訪問についてのアンケートにご協力ください（訪問ごとに1回、回答から14日間は変更できます）:',
          survey,
          '',
        ]
      : []),
    ...(attached ? ['予定をカレンダーに登録できるファイル（.ics）を添付しています。'] : []),
    `ご不明な点は事務局（${organizer.email}${phone ? `、電話 ${phone}` : ''}）までお問い合わせください。`,
    '',
    OFFICE.ja,
    organizer.email,
    ...(phone ? [phone] : []),
  ];
  const en = [
    OPENING.en,
    payload.audience === 'company'
      ? `To: ${quoted.en(payload.name)}, ${quoted.en(payload.request.companyName)}`
      : payload.audience === 'office'
        ? `To: the ${OFFICE.en}`
        : `To: ${quoted.en(payload.name)}`,
    '',
    lead.en,
    '',
    details.en,
    '',
    ...(status
      ? ['Your status page (to choose a time, or cancel; keep this link to yourself):', status, '']
      : []),
    ...(survey
      ? [
          'Please tell us how the visit went (one survey per visit; answers can be changed for 14 days):',
          survey,
          '',
        ]
      : []),
    ...(attached ? ['The visit is attached as a calendar file (.ics).'] : []),
    `Questions: ${organizer.email}${phone ? `, phone ${phone}` : ''}`,
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

/**
 * A one-time sign-in link's email: the link (derived as the message is sent) and until when it
 * works. Who asked for it is not said; the answer to asking was the same whether or not the
 * address was known.
 */
export function renderSignInEmail(
  message: { recipient: string; payload: SignInEmailPayload },
  organizer: CalendarOrganizer,
  context: { url: string; officePhone?: string },
): RenderedEmail {
  const { payload } = message;
  const until = { ja: rangeJa(payload.signIn.expiresAt), en: rangeEn(payload.signIn.expiresAt) };
  const phone = context.officePhone;
  const ja = [
    OPENING.ja,
    `宛先: ${quoted.ja(payload.name)} 様`,
    '',
    '専門家ページ（訪問予定・対応可能な時間・カレンダー連携・訪問報告）へのサインイン用リンクをお送りします。',
    '',
    context.url,
    '',
    `このリンクは1回限り有効で、${until.ja}（日本時間）まで使えます。他の方に知らせないでください。`,
    'お心当たりのない場合は、このメールを破棄してください。',
    `ご不明な点は事務局（${organizer.email}${phone ? `、電話 ${phone}` : ''}）までお問い合わせください。`,
    '',
    OFFICE.ja,
    organizer.email,
  ];
  const en = [
    OPENING.en,
    `To: ${quoted.en(payload.name)}`,
    '',
    'Here is your link to sign in to the expert pages (your visits, your hours, calendars and visit reports):',
    '',
    context.url,
    '',
    `It works once, until ${until.en} (Japan time). Keep it to yourself.`,
    'If you did not ask for it, please ignore this email.',
    `Questions: ${organizer.email}${phone ? `, phone ${phone}` : ''}`,
    '',
    OFFICE.en,
  ];
  return {
    to: { name: payload.name, address: message.recipient },
    subject: `${SUBJECT_PREFIX}サインイン用リンクのお知らせ`,
    text: [...ja, '', '―'.repeat(30), '[English] Your sign-in link', '', ...en, ''].join('\n'),
    attachments: [],
  };
}

function requestDetails(event: NotificationEvent, payload: EmailPayload): Lines {
  const { request } = payload;
  const names = topicNames(request.topics);
  const note = payload.review?.note;
  const review: Lines | null = !note
    ? null
    : event === 'request.declined'
      ? { ja: `理由: ${quoted.ja(note)}`, en: `Reason: ${quoted.en(note)}` }
      : { ja: `事務局からの連絡: ${quoted.ja(note)}`, en: `From the office: ${quoted.en(note)}` };
  return {
    ja: [
      '■ お申し込みの内容',
      `企業名: ${quoted.ja(request.companyName)}`,
      `希望形式: ${FORMAT[request.format].ja}`,
      `所要時間: ${request.durationMinutes}分`,
      `相談テーマ: ${names.ja}`,
      `申込ID: ${request.id}`,
      ...(review ? [review.ja] : []),
    ].join('\n'),
    en: [
      'Your application',
      `Company: ${quoted.en(request.companyName)}`,
      `Format: ${FORMAT[request.format].en}`,
      `Duration: ${request.durationMinutes} minutes`,
      `Topics: ${names.en}`,
      `Request ID: ${request.id}`,
      ...(review ? [review.en] : []),
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
  const comment = payload.attendance?.comment;
  return {
    ja: [
      '■ 訪問の内容',
      `日時: ${rangeJa(event.start, event.end)}（日本時間）`,
      ...(previous ? [`変更前: ${rangeJa(previous.start, previous.end)}`] : []),
      `形式: ${format.ja}`,
      `企業名: ${quoted.ja(event.companyName)}`,
      `専門家: ${quoted.ja(event.expertName)}`,
      `相談テーマ: ${names.ja}`,
      ...(reason ? [`中止の理由: ${quoted.ja(reason)}`] : []),
      ...(payload.attendance ? [`企業のコメント: ${comment ? quoted.ja(comment) : 'なし'}`] : []),
      `申込ID: ${payload.request.id}`,
    ].join('\n'),
    en: [
      'The visit',
      `When: ${rangeEn(event.start, event.end)} (Japan time)`,
      ...(previous ? [`Before: ${rangeEn(previous.start, previous.end)}`] : []),
      `Format: ${format.en}`,
      `Company: ${quoted.en(event.companyName)}`,
      `Expert: ${quoted.en(event.expertName)}`,
      `Topics: ${names.en}`,
      ...(reason ? [`Reason: ${quoted.en(reason)}`] : []),
      ...(payload.attendance
        ? [`The company's comment: ${comment ? quoted.en(comment) : 'none'}`]
        : []),
      `Request ID: ${payload.request.id}`,
    ].join('\n'),
  };
}

function claimDetails(payload: EmailPayload): Lines {
  const claim = payload.claim;
  if (!claim) throw new Error('no travel claim to describe');
  const yenJa = (n: number) => `${n.toLocaleString('ja-JP')}円`;
  const yenEn = (n: number) => `¥${n.toLocaleString('en-US')}`;
  return {
    ja: [
      '■ 旅費請求',
      `訪問日時: ${rangeJa(claim.visitStart, claim.visitEnd)}（日本時間）`,
      `企業名: ${quoted.ja(payload.request.companyName)}`,
      `請求額: ${yenJa(claim.claimedYen)}`,
      `承認額: ${yenJa(claim.approvedYen)}`,
      ...(claim.reason ? [`修正の理由: ${quoted.ja(claim.reason)}`] : []),
      `請求ID: ${claim.id}`,
    ].join('\n'),
    en: [
      'Your travel claim',
      `Visit: ${rangeEn(claim.visitStart, claim.visitEnd)} (Japan time)`,
      `Company: ${quoted.en(payload.request.companyName)}`,
      `Claimed: ${yenEn(claim.claimedYen)}`,
      `Approved: ${yenEn(claim.approvedYen)}`,
      ...(claim.reason ? [`Reason: ${quoted.en(claim.reason)}`] : []),
      `Claim ID: ${claim.id}`,
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

const dateJa = (t: ReturnType<typeof tokyo>) =>
  `${t.year}年${t.month + 1}月${t.day}日(${WEEKDAY_JA[t.weekday]})`;
const dateEn = (t: ReturnType<typeof tokyo>) =>
  `${WEEKDAY_EN[t.weekday]} ${t.day} ${MONTH_EN[t.month]} ${t.year}`;

/** An instant, or a range from it to `end`, as a Japanese reader writes it (Japan time). */
function rangeJa(start: string, end?: string): string {
  const a = tokyo(start);
  if (end === undefined) return `${dateJa(a)} ${a.time}`;
  const b = tokyo(end);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return `${dateJa(a)} ${a.time}〜${sameDay ? '' : `${dateJa(b)} `}${b.time}`;
}

function rangeEn(start: string, end?: string): string {
  const a = tokyo(start);
  if (end === undefined) return `${dateEn(a)}, ${a.time}`;
  const b = tokyo(end);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return `${dateEn(a)}, ${a.time}–${sameDay ? '' : `${dateEn(b)} `}${b.time}`;
}
