import { expect } from 'vitest';
import { busyBlocks, calendarFeeds, experts } from '../../src/db/schema.ts';
import { corporateNumberCheckDigit } from '../../src/domain/corporate-number.ts';
import type { TestApi } from './api.ts';
import { application, applyAccepted } from './fixtures.ts';
import { issueToken } from './tokens.ts';

const HOUR_MS = 3_600_000;

/**
 * How long a `beforeAll` that opens a fresh database may take: migrating PGlite on a busy
 * machine can take well over the 10 s Vitest default. Equal to vitest.config.ts's hookTimeout.
 */
export const FRESH_DATABASE_MS = 120_000;

/** A valid 法人番号 whose 12-digit body is `n` (padded), with its check digit in front. */
export function corporateNumber(n: number): string {
  const body = String(n).padStart(12, '0');
  return `${corporateNumberCheckDigit(body)}${body}`;
}

let companiesMade = 0;

/** A corporate number no other call in this test file has handed out. */
export function newCorporateNumber(): string {
  companiesMade += 1;
  return corporateNumber(500_000_000_000 + companiesMade);
}

/** An instant given as a date and wall-clock time in Asia/Tokyo, in the API's UTC form. */
export function jst(date: string, time = '00:00'): string {
  return new Date(`${date}T${time}:00+09:00`).toISOString();
}

/** The Asia/Tokyo wall clock of an instant, 'YYYY-MM-DD HH:MM', whatever the process TZ. */
export function tokyo(instant: string): string {
  return new Date(Date.parse(instant) + 9 * HOUR_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** A preferred window of whole Tokyo days: from `from` 00:00 to `to` 00:00 (exclusive). */
export function days(from: string, to: string) {
  return { start: jst(from), end: jst(to) };
}

/** Slot starts every 30 minutes on a Tokyo date, from `first` to `last` inclusive. */
export function everyHalfHour(date: string, first: string, last: string): string[] {
  const starts: string[] = [];
  for (let t = Date.parse(jst(date, first)); t <= Date.parse(jst(date, last)); t += HOUR_MS / 2) {
    starts.push(tokyo(new Date(t).toISOString()));
  }
  return starts;
}

type Company = ReturnType<typeof application>['company'];
type ApplyOptions = Record<string, unknown> & { company?: Partial<Company> };

/**
 * Applies as a company of its own (a fresh corporate number) unless `company` names one, so
 * neither the company quota nor the company's other visits get in the way of a test, and has
 * the office accept it, so the company can see its slots and book.
 */
export async function applyAs(api: TestApi, options: ApplyOptions = {}) {
  const { company, ...rest } = options;
  return applyAccepted(api, {
    ...rest,
    company: {
      ...application(api).company,
      corporateNumber: newCorporateNumber(),
      ...company,
    },
  });
}

export type Slot = { start: string; end: string };
export type Match = {
  expert: { id: string; name: string; industries: string[] };
  format: 'onsite' | 'online';
  score: number;
  reasons: string[];
  slots: Slot[];
};

/** GET /v1/requests/:id/matches as staff; by default with every slot of every expert. */
export async function matchesFor(
  api: TestApi,
  requestId: string,
  query = 'slotsPerExpert=500',
): Promise<Match[]> {
  const res = await api.call('GET', `/v1/requests/${requestId}/matches?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body.matches;
}

/** The match of one expert, or undefined when the expert is not offered. */
export function matchOf(matches: Match[], expertId: string): Match | undefined {
  return matches.find((m) => m.expert.id === expertId);
}

/** The Tokyo wall-clock starts of an expert's slots ([] when the expert is not offered). */
export function startsOf(match: Match | undefined): string[] {
  return (match?.slots ?? []).map((s) => tokyo(s.start));
}

export type SlotOffer = Slot & {
  format: 'onsite' | 'online';
  expert: { id: string; name: string; affiliation: string };
};

/** GET /v1/requests/:id/slots, as staff unless a token is given. */
export async function slotsFor(api: TestApi, requestId: string, token?: string) {
  const res = await api.call('GET', `/v1/requests/${requestId}/slots`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body.slots as SlotOffer[];
}

/** Books `expertId` at `start` as staff (POST /v1/requests/:id/sessions); expects 201. */
export async function book(api: TestApi, requestId: string, expertId: string, start: string) {
  const res = await api.call('POST', `/v1/requests/${requestId}/sessions`, {
    body: { expertId, start },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; start: string; end: string; format: string };
}

/** Replaces an expert's availability as staff; expects 200. */
export async function setAvailability(
  api: TestApi,
  expertId: string,
  availability: { weekly: unknown[]; overrides?: unknown[] },
) {
  const res = await api.call('PUT', `/v1/experts/${expertId}/availability`, {
    body: availability,
  });
  expect(res.status, res.text).toBe(200);
}

/** An expert bearer token, issued by staff. */
export async function expertToken(api: TestApi, expertId: string): Promise<string> {
  return (await issueToken(api, { role: 'expert', expertId })).token;
}

/**
 * Stores one imported busy block for the expert, as a feed sync would, straight into the
 * database: a calendar_feeds row and a busy_blocks row under it.
 */
export async function addBusyBlock(api: TestApi, expertId: string, start: string, end: string) {
  const [feed] = await api.db
    .insert(calendarFeeds)
    .values({ expertId, url: 'https://calendar.example.jp/private/basic.ics' })
    .returning({ id: calendarFeeds.id });
  if (!feed) throw new Error('calendar feed insert returned no row');
  await api.db
    .insert(busyBlocks)
    .values({ feedId: feed.id, expertId, start: new Date(start), end: new Date(end) });
}

/**
 * Marks every expert so far inactive, so that a test sharing the file's database sees only
 * the experts it creates itself. (A fresh database per test would cost seconds each.)
 */
export async function retireEveryExpert(api: TestApi) {
  await api.db.update(experts).set({ active: false });
}
