import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Interval } from '../../src/domain/intervals.js';
import {
  bestExpertPerSlot,
  conflictOf,
  type MatchCandidate,
  type MatchExpert,
  type MatchRequest,
  rankMatches,
  visitFormat,
} from '../../src/domain/matching.js';

const jst = (date: string, time: string) => Date.parse(`${date}T${time}:00+09:00`);
const slot = (date: string, time: string, hours = 2): Interval => ({
  start: jst(date, time),
  end: jst(date, time) + hours * 3_600_000,
});

const request: MatchRequest = {
  company: {
    industryCode: 'E24',
    prefectureCode: '23',
    corporateNumber: '7000012050002',
    certifications: [],
  },
  topics: ['identify', 'classify', 'manager'],
  format: 'either',
  followUpExpertId: null,
};

function candidate(
  id: string,
  expert: Partial<MatchExpert> = {},
  rest: Partial<Omit<MatchCandidate, 'expert'>> = {},
): MatchCandidate {
  return {
    expert: {
      id,
      name: `Expert ${id}`,
      industries: ['E24'],
      tags: [],
      topics: ['identify', 'classify', 'manager'],
      prefectures: ['23'],
      online: true,
      active: true,
      maxVisitsPerMonth: 4,
      conflicts: [],
      certificationBodyId: null,
      ...expert,
    },
    visitsThisFiscalYear: 0,
    activeVisitsByMonth: {},
    slots: [slot('2026-12-03', '10:00')],
    ...rest,
  };
}

const ids = (req: MatchRequest, cands: MatchCandidate[]) =>
  rankMatches(req, cands).map((m) => m.expertId);

describe('visitFormat', () => {
  const tokyoOnline = { prefectures: ['13'], online: true };
  const aichiOffline = { prefectures: ['23'], online: false };

  it('visits on site only in the expert’s prefectures, online only when the expert does', () => {
    const at = (format: MatchRequest['format']) => ({ ...request, format });
    expect(visitFormat(at('onsite'), tokyoOnline)).toBeNull();
    expect(visitFormat(at('onsite'), aichiOffline)).toBe('onsite');
    expect(visitFormat(at('online'), aichiOffline)).toBeNull();
    expect(visitFormat(at('online'), tokyoOnline)).toBe('online');
  });

  it('prefers on site for either, falling back to online', () => {
    expect(visitFormat(request, { prefectures: ['23'], online: true })).toBe('onsite');
    expect(visitFormat(request, tokyoOnline)).toBe('online');
    expect(visitFormat(request, { prefectures: ['13'], online: false })).toBeNull();
  });
});

describe('rankMatches: hard filters', () => {
  it('does not offer an expert on site outside their prefectures', () => {
    const tokyo = candidate('tokyo', { prefectures: ['13'] });
    expect(rankMatches({ ...request, format: 'onsite' }, [tokyo])).toEqual([]);
    const [either] = rankMatches(request, [tokyo]);
    expect(either?.format).toBe('online');
    expect(either?.reasons).toContain('online');
  });

  it('drops inactive experts and experts who cannot work online for an online request', () => {
    const cands = [
      candidate('inactive', { active: false }),
      candidate('offline', { online: false }),
    ];
    expect(rankMatches(request, cands).map((m) => m.expertId)).toEqual(['offline']);
    expect(rankMatches({ ...request, format: 'online' }, cands)).toEqual([]);
  });

  it('never offers an expert with a conflict of interest with the company', () => {
    const conflicted = candidate('conflicted', { conflicts: ['7000012050002'] });
    expect(rankMatches(request, [conflicted, candidate('clear')]).map((m) => m.expertId)).toEqual([
      'clear',
    ]);
    // A sole proprietor without a corporate number cannot be matched against conflicts.
    const soleProprietor = { ...request, company: { ...request.company, corporateNumber: null } };
    expect(rankMatches(soleProprietor, [conflicted])).toHaveLength(1);
  });

  it('withholds a month where the expert is at maxVisitsPerMonth, and offers the next', () => {
    const full = candidate(
      'full',
      { maxVisitsPerMonth: 2 },
      {
        activeVisitsByMonth: { '2026-12': 2, '2027-01': 1 },
        // 2026-12-01 08:00 JST is still 30 November in UTC: the cap counts Tokyo months.
        slots: [
          slot('2027-01-05', '10:00'),
          slot('2026-12-01', '08:00'),
          slot('2026-12-03', '10:00'),
        ],
      },
    );
    const [match] = rankMatches(request, [full]);
    expect(match?.slots).toEqual([slot('2027-01-05', '10:00')]);

    const decemberOnly = { ...full, slots: [slot('2026-12-03', '10:00')] };
    expect(rankMatches(request, [decemberOnly])).toEqual([]);
  });

  it('drops an expert with no slots at all', () => {
    expect(rankMatches(request, [candidate('busy', {}, { slots: [] })])).toEqual([]);
  });
});

describe('rankMatches: score', () => {
  it('ranks same group > same division > scope tag > none when all else is equal', () => {
    const cands = [
      candidate('none', { industries: ['G'] }),
      candidate('tag', { industries: [], tags: ['manufacturing'] }),
      candidate('division', { industries: ['E26'] }),
      candidate('group', { industries: ['E24'] }),
    ];
    const ranked = rankMatches(request, cands);
    expect(ranked.map((m) => [m.expertId, m.score])).toEqual([
      ['group', 85],
      ['division', 70],
      ['tag', 55],
      ['none', 45],
    ]);
    expect(ranked.map((m) => m.reasons[0])).toEqual([
      '同一中分類 E24 金属製品製造業',
      '同一大分類 E 製造業',
      '対応範囲 製造業',
      'topics 3/3',
    ]);
  });

  it('scores a group of any division alike: G39 ↔ G39 as E24 ↔ E24', () => {
    const software = { ...request, company: { ...request.company, industryCode: 'G39' } };
    const ranked = rankMatches(software, [
      candidate('same', { industries: ['G39'] }),
      candidate('sibling', { industries: ['G37'] }),
    ]);
    expect(ranked.map((m) => [m.expertId, m.score, m.reasons[0]])).toEqual([
      ['same', 85, '同一中分類 G39 情報サービス業'],
      ['sibling', 70, '同一大分類 G 情報通信業'],
    ]);
  });

  it('counts an expert holding the bare division as the same division', () => {
    const [m] = rankMatches(request, [candidate('e', { industries: ['E'] })]);
    expect(m?.reasons[0]).toBe('同一大分類 E 製造業');
  });

  it('only lets a scope tag count where it covers the industry', () => {
    const aero = candidate('aero', { industries: [], tags: ['aerospace-defence'] });
    expect(rankMatches(request, [aero])[0]?.score).toBe(45);
    const aircraft = { ...request, company: { ...request.company, industryCode: 'E31' } };
    expect(rankMatches(aircraft, [aero])[0]?.reasons[0]).toBe('対応範囲 航空・宇宙・防衛');
  });

  it('explains every part of the score', () => {
    const followUp = {
      ...request,
      followUpExpertId: 'kato',
      topics: ['identify', 'audit', 'manager'],
    };
    const kato = candidate('kato', {}, { visitsThisFiscalYear: 2 });
    const later = candidate('later', {}, { slots: [slot('2026-12-10', '10:00')] });
    const [first, second] = rankMatches(followUp, [later, kato]);
    expect(first).toEqual({
      expertId: 'kato',
      format: 'onsite',
      // 40 group + 20 topics + 15 continuity + 3.3 load + 5 earliest
      score: 83.3,
      reasons: [
        '同一中分類 E24 金属製品製造業',
        'topics 2/3',
        'on site in 愛知県',
        '前回担当 (follow-up)',
        '2 visits this FY',
        'earliest 2026-12-03 10:00 JST',
      ],
      factors: [
        { kind: 'industry', fit: 'group', code: 'E24', points: 40 },
        { kind: 'topics', covered: 2, requested: 3, points: 20 },
        { kind: 'format', format: 'onsite', prefectureCode: '23', points: 0 },
        { kind: 'continuity', points: 15 },
        { kind: 'load', visits: 2, points: 10 / 3 },
        { kind: 'earliest', start: jst('2026-12-03', '10:00'), points: 5 },
      ],
      slots: [slot('2026-12-03', '10:00')],
    });
    // 40 + 20 + 10 load + 0 earliest (the latest first slot)
    expect(second?.score).toBe(70);
    expect(second?.reasons).toContain('0 visits this FY');
    expect(second?.factors).toContainEqual({ kind: 'load', visits: 0, points: 10 });
  });

  it('leaves out an expert whose accredited body certified the company or is auditing it', () => {
    const audited = {
      ...request,
      company: {
        ...request.company,
        certifications: [{ bodyId: 'jqa', status: 'auditing' as const }],
      },
    };
    const jqa = candidate('jqa-auditor', { certificationBodyId: 'jqa' });
    const other = candidate('jicqa-auditor', { certificationBodyId: 'jicqa' });
    const plain = candidate('plain');
    expect(ids(audited, [jqa, other, plain]).sort()).toEqual(['jicqa-auditor', 'plain']);
    expect(conflictOf(audited, jqa.expert)).toEqual({
      kind: 'certification',
      bodyId: 'jqa',
      status: 'auditing',
    });
    expect(conflictOf(request, jqa.expert)).toBeNull();
    const declared = candidate('declared', { conflicts: ['7000012050002'] });
    expect(conflictOf(request, declared.expert)).toEqual({ kind: 'listed' });
    expect(ids(request, [declared, plain])).toEqual(['plain']);
  });

  it('scales the earliest-slot points between the earliest and latest first slots', () => {
    const cands = [
      candidate('a', {}, { slots: [slot('2026-12-01', '10:00')] }),
      candidate('b', {}, { slots: [slot('2026-12-03', '10:00')] }),
      candidate('c', {}, { slots: [slot('2026-12-05', '10:00')] }),
    ];
    expect(rankMatches(request, cands).map((m) => [m.expertId, m.score])).toEqual([
      ['a', 85],
      ['b', 82.5],
      ['c', 80],
    ]);
  });

  it('prefers fewer visits this fiscal year', () => {
    const cands = [
      candidate('busy', {}, { visitsThisFiscalYear: 5 }),
      candidate('fresh', {}, { visitsThisFiscalYear: 0 }),
    ];
    expect(ids(request, cands)).toEqual(['fresh', 'busy']);
  });

  it('breaks score ties by earlier first slot, then fewer visits, then id', () => {
    // 40 + 30 + 10 load + 0 earliest = 40 + 30 + 5 load + 5 earliest
    const later = candidate('a-later', {}, { slots: [slot('2026-12-04', '10:00')] });
    const sooner = candidate('z-sooner', {}, { visitsThisFiscalYear: 1 });
    expect(ids(request, [later, sooner])).toEqual(['z-sooner', 'a-later']);

    // 25 topics (5/6) + 10 load = 30 topics (6/6) + 5 load
    const six = { ...request, topics: ['t1', 't2', 't3', 't4', 't5', 't6'] };
    const fewer = candidate('z-fewer', { topics: ['t1', 't2', 't3', 't4', 't5'] });
    const more = candidate('a-more', { topics: six.topics }, { visitsThisFiscalYear: 1 });
    expect(rankMatches(six, [more, fewer]).map((m) => [m.expertId, m.score])).toEqual([
      ['z-fewer', 80],
      ['a-more', 80],
    ]);
  });

  it('gives the same order whatever the input order', () => {
    const cands = [
      candidate('b'),
      candidate('a'),
      candidate('c'),
      candidate('d', { industries: ['E25'] }),
      candidate('e', { industries: ['E25'] }, { visitsThisFiscalYear: 1 }),
      candidate('f', {}, { slots: [slot('2026-12-04', '10:00')] }),
      candidate('g', { prefectures: [] }),
    ];
    const expected = ['a', 'b', 'c', 'g', 'f', 'd', 'e'];
    expect(ids(request, cands)).toEqual(expected);
    fc.assert(
      fc.property(fc.shuffledSubarray(cands, { minLength: cands.length }), (shuffled) => {
        expect(ids(request, shuffled)).toEqual(expected);
      }),
    );
  });
});

describe('bestExpertPerSlot', () => {
  it('lists each start once, with the best-ranked expert free then, in time order', () => {
    const cands = [
      candidate('best', {}, { slots: [slot('2026-12-03', '10:00'), slot('2026-12-03', '10:30')] }),
      candidate(
        'other',
        { industries: ['E'] },
        { slots: [slot('2026-12-02', '13:00'), slot('2026-12-03', '10:30')] },
      ),
      candidate(
        'remote',
        { prefectures: [], industries: ['G'] },
        { slots: [slot('2026-12-03', '10:00')] },
      ),
    ];
    const offers = bestExpertPerSlot(rankMatches(request, cands));
    expect(offers).toEqual([
      { ...slot('2026-12-02', '13:00'), expertId: 'other', format: 'onsite' },
      { ...slot('2026-12-03', '10:00'), expertId: 'best', format: 'onsite' },
      { ...slot('2026-12-03', '10:30'), expertId: 'best', format: 'onsite' },
    ]);
  });
});
