import type { TestApi } from './api.ts';
import { bookedVisit, jst } from './booking.ts';
import { createExpert } from './fixtures.ts';
import { issueToken } from './tokens.ts';

/**
 * The office as its bank knows it (みずほ 東京営業部 当座), for the 全銀 file. Its name takes 31
 * of the 依頼人名's 40 columns: longer than any payee's may be.
 */
export const OFFICE_ENV = {
  ZENGIN_REQUESTER_CODE: '1234567890',
  ZENGIN_REQUESTER_NAME: 'ギジュツジョウホウカンリ センモンカハケン ジムキョク',
  ZENGIN_BANK_CODE: '0001',
  ZENGIN_BRANCH_CODE: '001',
  ZENGIN_ACCOUNT_TYPE: 'current',
  ZENGIN_ACCOUNT_NUMBER: '1234567',
};

let serial = 0;

/**
 * An expert who can take back-to-back visits on a day (no travel buffer, hours 08:00–20:00 on
 * weekdays, 40 visits a month), with a token and, unless told otherwise, a bank account at 三菱ＵＦＪ 千代田.
 */
export async function payee(
  api: TestApi,
  options: { name?: string; feeExempt?: boolean; bankAccount?: boolean; holderName?: string } = {},
) {
  serial += 1;
  const name = options.name ?? `謝金 専門家${serial}`;
  const { id } = await createExpert(api, {
    name,
    email: `payee.${serial}.${Math.random().toString(36).slice(2, 8)}@example.jp`,
    travelBufferMinutes: 0,
    maxVisitsPerMonth: 40,
    ...(options.feeExempt ? { feeExempt: true } : {}),
  });
  const hours = await api.call('PUT', `/v1/experts/${id}/availability`, {
    body: {
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '20:00' })),
      overrides: [],
    },
  });
  if (hours.status !== 200) throw new Error(`availability: ${hours.text}`);
  if (options.bankAccount !== false) {
    const account = await api.call('PUT', `/v1/experts/${id}/bank-account`, {
      body: {
        bankCode: '0005',
        branchCode: '103',
        accountType: 'ordinary',
        accountNumber: String(1000 + serial),
        holderName: options.holderName ?? `センモンカ ${'イロハニホヘト'[serial % 7]}`,
      },
    });
    if (account.status !== 200) throw new Error(`bank account: ${account.text}`);
  }
  const token = (await issueToken(api, { role: 'expert', expertId: id })).token;
  return { id, name, token };
}

export type Visit = Awaited<ReturnType<typeof visitOn>>;

/** A visit booked by staff on a Tokyo date from `from` to `to`, on site unless told. */
export async function visitOn(
  api: TestApi,
  expertId: string,
  date: string,
  from: string,
  to: string,
  format: 'onsite' | 'online' = 'onsite',
) {
  const start = jst(date, from);
  const minutes = (jst(date, to).getTime() - start.getTime()) / 60_000;
  return bookedVisit(api, start, {
    expertId,
    application: { format, durationMinutes: minutes },
  });
}

/** Files the visit's report (as staff), with actual times when given (Tokyo HH:MM). */
export async function report(
  api: TestApi,
  visit: Visit,
  actual?: { date: string; from: string; to: string },
) {
  const res = await api.call('POST', `/v1/sessions/${visit.session.id}/report`, {
    body: {
      topicsCovered: ['identify'],
      summary: '守るべき情報の洗い出しを支援した。',
      followUpNeeded: false,
      ...(actual && {
        actualStart: jst(actual.date, actual.from).toISOString(),
        actualEnd: jst(actual.date, actual.to).toISOString(),
      }),
    },
  });
  if (res.status !== 200) throw new Error(`report: ${res.status} ${res.text}`);
  return res.body;
}

/** The company confirms the visit took place. */
export async function confirm(api: TestApi, visit: Visit) {
  const res = await api.call('POST', `/v1/sessions/${visit.session.id}/attendance`, {
    token: visit.companyToken,
    body: { agree: true },
  });
  if (res.status !== 200) throw new Error(`attendance: ${res.status} ${res.text}`);
  return res.body;
}

/** The expert claims travel for the visit: one leg of `amountYen`. */
export async function claim(api: TestApi, token: string, visit: Visit, amountYen: number) {
  const res = await api.call('POST', '/v1/me/travel-claims', {
    token,
    body: {
      sessionId: visit.session.id,
      legs: [{ from: '名古屋', to: '豊田市', mode: 'train', amountYen }],
    },
  });
  if (res.status !== 201) throw new Error(`claim: ${res.status} ${res.text}`);
  return res.body as { id: string; claimedYen: number; status: string };
}

export function exportMonth(
  api: TestApi,
  fiscalYear: number,
  month: number,
  transferDate?: string,
) {
  return api.call('POST', '/v1/payments/exports', {
    body: { fiscalYear, month, ...(transferDate && { transferDate }) },
  });
}
