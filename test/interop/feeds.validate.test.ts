import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { book, iso, jst } from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { applyAs, FRESH_DATABASE_MS } from '../support/matching.ts';
import { issueToken } from '../support/tokens.ts';

// The feeds the API actually serves (not export.ts called directly) through the two strict
// validators of calendar-validate.test.ts: a subscription feed with a confirmed, a rescheduled
// and a cancelled visit, the programme-wide feed, and each visit's calendar.ics. Debian:
//   apt-get install -y php-cli php-sabre-vobject python3-gi gir1.2-ical-3.0

const T0 = Date.parse('2026-11-25T00:00:00Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000);

const dir = mkdtempSync(join(tmpdir(), 'haken-feeds-'));
let api: TestApi;
const files: Record<string, string> = {};

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `${command} is missing (${result.error.message}); install php-cli php-sabre-vobject python3-gi gir1.2-ical-3.0`,
    );
  }
  const output = `${result.stdout}${result.stderr}`.trim();
  return result.status === 0 ? output : output || `${command} exited with ${result.status}`;
}

const sabre = (...paths: string[]) =>
  run('php', [join(import.meta.dirname, 'sabre-validate.php'), ...paths]);
// Debian's python3, where python3-gi installs: not whichever python3 is first on PATH.
const libical = (...args: string[]) =>
  run('/usr/bin/python3', [join(import.meta.dirname, 'libical-validate.py'), ...args]);

async function fetched(name: string, path: string, token: string | null): Promise<string> {
  const res = await api.call('GET', path, { token });
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
  const file = join(dir, name);
  writeFileSync(file, res.text);
  files[name] = file;
  return res.text;
}

async function feedPath(token: string): Promise<string> {
  const res = await api.call('GET', '/v1/me/feed', { token });
  expect(res.status, res.text).toBe(200);
  return new URL(res.body.url).pathname;
}

async function post(path: string, body: unknown) {
  const res = await api.call('POST', path, { body });
  expect(res.status, res.text).toBe(200);
}

beforeAll(async () => {
  api = await testApi();
  api.setNow(at(0));
  // Names with the characters TEXT values must escape (comma, semicolon, backslash).
  const expert = (await createExpert(api, { name: '山田 太郎, 技術士; 情報\\管理' })).id;
  const token = (await issueToken(api, { role: 'expert', expertId: expert })).token;
  const company = { name: '株式会社トヨハシ精機, 第二工場; 品質保証部' };

  const visits: Record<string, { id: string; token: string }> = {};
  const cases = [
    ['confirmed', jst('2026-12-02', '10:00'), 'onsite'],
    ['rescheduled', jst('2026-12-03', '10:00'), 'online'],
    ['cancelled', jst('2026-12-04', '13:00'), 'onsite'],
  ] as const;
  for (const [name, start, format] of cases) {
    const applied = await applyAs(api, { format, company });
    const res = await book(api, applied.request.id, { expertId: expert, start });
    expect(res.status, res.text).toBe(201);
    visits[name] = { id: res.body.id, token: applied.accessToken };
  }
  const { rescheduled, cancelled, confirmed } = visits as Record<
    'confirmed' | 'rescheduled' | 'cancelled',
    { id: string; token: string }
  >;
  api.setNow(at(1));
  await post(`/v1/sessions/${rescheduled.id}/reschedule`, {
    start: iso(jst('2026-12-08', '14:00')),
  });
  api.setNow(at(2));
  await post(`/v1/sessions/${rescheduled.id}/reschedule`, {
    start: iso(jst('2026-12-09', '14:00')),
  });
  api.setNow(at(3));
  await post(`/v1/sessions/${cancelled.id}/cancel`, { reason: '先方の都合, 延期; 再調整' });

  const feed = await fetched('expert-feed.ics', await feedPath(token), null);
  expect(feed).toContain('STATUS:CANCELLED');
  expect(feed).toContain('SEQUENCE:2');
  await fetched('programme-feed.ics', await feedPath(STAFF_TOKEN), null);
  for (const [name, visit] of Object.entries({ confirmed, rescheduled, cancelled })) {
    await fetched(`${name}-staff.ics`, `/v1/sessions/${visit.id}/calendar.ics`, STAFF_TOKEN);
    await fetched(`${name}-expert.ics`, `/v1/sessions/${visit.id}/calendar.ics`, token);
    await fetched(`${name}-company.ics`, `/v1/sessions/${visit.id}/calendar.ics`, visit.token);
  }
}, FRESH_DATABASE_MS);

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('what the API serves passes strict validators', () => {
  it('sabre/vobject reports nothing on the feeds and the calendar.ics files', () => {
    expect(Object.keys(files)).toHaveLength(11);
    expect(sabre(...Object.values(files))).toBe('');
  });

  it('libical parses every property', () => {
    expect(libical(...Object.values(files))).toBe('');
  });

  it('libical finds them conform to iTIP (RFC 5546) for METHOD:PUBLISH', () => {
    expect(libical('--itip', ...Object.values(files))).toBe('');
  });

  it('a subscription feed with no visits yet is valid too: RFC 5545 wants a component in it', async () => {
    const expert = (await createExpert(api, { name: '新人 専門家' })).id;
    const token = (await issueToken(api, { role: 'expert', expertId: expert })).token;
    const ics = await fetched('empty-feed.ics', await feedPath(token), null);
    expect(ics).not.toContain('BEGIN:VEVENT');
    const file = files['empty-feed.ics'] as string;
    expect(libical('--itip', file)).toBe('');
    // sabre-validate.php asks every file for a VEVENT, which an empty feed cannot have;
    // what RFC 5545 (§3.4, `component = 1*(…)`) and sabre/vobject 4 ask is one component
    // of any kind, a VTIMEZONE say.
    expect(sabre(file).replace(`${file}: no VEVENT`, '').trim()).toBe('');
    expect(new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents().length).toBeGreaterThan(0);
  });
});
