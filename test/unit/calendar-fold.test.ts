import fc from 'fast-check';
import { foldLines as icalGeneratorFold } from 'ical-generator';
import { describe, expect, it } from 'vitest';
import { type CalendarSession, sessionsCalendar } from '../../src/calendar/export.ts';
import { foldLines } from '../../src/calendar/fold.ts';

const utf8 = new TextEncoder();

// Lines mixing ASCII, kana and kanji (3 octets), accented Latin (2) and emoji (4, a pair).
const line = fc
  .array(fc.constantFrom('a', 'Z', ' ', ';', 'é', 'ß', 'あ', '技', '術', '😀', '𠮷'), {
    maxLength: 200,
  })
  .map((chars) => chars.join(''));

describe('foldLines', () => {
  it('cuts where ical-generator cuts', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
        const text = lines.join('\r\n');
        expect(foldLines(text)).toBe(icalGeneratorFold(text));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every line within 75 octets and unfolds to the original', () => {
    fc.assert(
      fc.property(line, (text) => {
        const folded = foldLines(text);
        for (const part of folded.split('\r\n')) {
          expect(utf8.encode(part).length).toBeLessThanOrEqual(75);
        }
        expect(folded.replaceAll('\r\n ', '')).toBe(text);
      }),
    );
  });
});

describe('sessionsCalendar', () => {
  it('writes what ical-generator writes for the whole calendar', () => {
    const sessions: CalendarSession[] = Array.from({ length: 3 }, (_, i) => ({
      id: `ses_${i}`,
      sequence: i,
      status: i === 2 ? 'cancelled' : 'confirmed',
      start: new Date(Date.UTC(2026, 11, 3 + i, 1)),
      end: new Date(Date.UTC(2026, 11, 3 + i, 3)),
      updatedAt: new Date('2026-11-20T05:06:07Z'),
      format: i === 1 ? 'online' : 'onsite',
      companyName: `株式会社トヨハシ精機、第${i}工場; "本社"`,
      address: i === 0 ? '愛知県豊橋市神野新田町字ロノ割1番地; 第2工場' : null,
      meetingUrl: i === 1 ? 'https://meet.example.jp/abc?pwd=1,2' : null,
      prefectureName: '愛知県',
      topicNames: ['守る情報の決定', '管理者選任', '持ち出し管理'],
      expertName: '山田 太郎',
      requestId: `req_${i}`,
    }));
    const ours = sessionsCalendar({
      name: '専門家派遣',
      sessions,
      organizer: { name: '専門家派遣事務局', email: 'office@haken.example' },
    });

    // ical-generator folds its whole output in one pass; so must the feed come out.
    expect(ours.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(ours).toBe(icalGeneratorFold(ours.replaceAll('\r\n ', '')));
    expect(ours).toMatch(/\r\n [^\r]*\r\n /);
  });
});
