import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CalendarSession,
  sessionEventFile,
  sessionsCalendar,
} from '../../src/calendar/export.ts';
import { calendarVisit } from '../support/calendar.ts';

// The outgoing feed checked by two strict validators outside Node. They come from Debian:
//   apt-get install -y php-cli php-sabre-vobject python3-gi gir1.2-ical-3.0

// Commas, semicolons and a long topic list: the text a validator must see escaped and folded.
const confirmed = calendarVisit({
  companyName: '株式会社トヨハシ精機, 第二工場; 品質保証部',
  topicNames: [
    '守る情報の決定',
    '管理者選任',
    'ID等設定による電子情報の管理',
    '事故発生時の報告ルール',
  ],
});
const rescheduled: CalendarSession = {
  ...confirmed,
  id: 'ses_02',
  sequence: 2,
  start: new Date('2026-12-10T05:30:00Z'),
  end: new Date('2026-12-10T07:30:00Z'),
  updatedAt: new Date('2026-11-25T00:00:00Z'),
  format: 'online',
};
const cancelled: CalendarSession = {
  ...confirmed,
  id: 'ses_03',
  sequence: 1,
  status: 'cancelled',
  updatedAt: new Date('2026-11-26T00:00:00Z'),
};
const sessions = [confirmed, rescheduled, cancelled];
const organizer = { name: '技術情報管理 専門家派遣事務局', email: 'haken@example.jp' };

const dir = mkdtempSync(join(tmpdir(), 'haken-ics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, ics: string): string {
  const path = join(dir, name);
  writeFileSync(path, ics);
  return path;
}

const files = {
  feed: file('feed.ics', sessionsCalendar({ name: '専門家派遣 訪問予定: 山田 太郎', sessions })),
  event: file('event.ics', sessionEventFile(confirmed)),
  feedWithOrganizer: file(
    'feed-organizer.ics',
    sessionsCalendar({ name: '専門家派遣 訪問予定: 山田 太郎', sessions, organizer }),
  ),
  eventWithOrganizer: file('event-organizer.ics', sessionEventFile(rescheduled, { organizer })),
};

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

describe('the outgoing iCalendar passes strict validators', () => {
  it('sabre/vobject reports nothing', () => {
    expect(sabre(...Object.values(files))).toBe('');
  });

  it('libical parses every property', () => {
    expect(libical(...Object.values(files))).toBe('');
  });

  it('libical finds METHOD:PUBLISH events with an organizer conform to iTIP (RFC 5546)', () => {
    expect(libical('--itip', files.feedWithOrganizer, files.eventWithOrganizer)).toBe('');
  });

  it('the validators do catch a broken file', () => {
    const broken = file(
      'broken.ics',
      sessionEventFile(confirmed).replace('DTSTART:20261203T010000Z', 'DTSTART:2026-12-03T01:00Z'),
    );
    expect(sabre(broken)).toMatch(/DTSTART/);
    expect(libical(broken)).toMatch(/DTSTART/);
  });
});
