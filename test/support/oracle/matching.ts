// The test oracle: src/domain/matching.ts as it stood before the threshold ranking (issue 19), kept verbatim
// but for imports, so the new loader can be compared with today's answers. Do not optimise it.
// Matching: which experts may visit a request's company, and in what order staff see them.
//
// Hard filters (the expert is not listed):
//   - inactive;
//   - cannot serve the format: on site needs the company's prefecture among the expert's
//     prefectures, online needs `online`; `either` visits on site when possible, else online;
//   - the company's corporate number is among the expert's conflicts;
//   - no free slot left: slots in a month (Asia/Tokyo, by start) where the expert already has
//     maxVisitsPerMonth active sessions are dropped, and so is an expert with none left.
//
// Score (0–100, one decimal; each part is rounded to one decimal, then summed):
//   industry fit   40  same middle group (expert E24, company E24)
//                  25  same division (expert E or any E group, company in E)
//                  10  a certification scope tag covers the industry (全業種, 製造業, …)
//                   0  otherwise
//   topics         30 × requested topics the expert covers ÷ requested topics
//   continuity     15  the expert of the earlier request this one follows up
//   load           10 ÷ (1 + the expert's visits this fiscal year): 10, 5, 3.3, 2.5, …
//   earliest slot   5 × (latest first slot − this first slot) ÷ (latest − earliest first slot)
//                      among the listed experts; 5 for all when they share one first slot
// Ties: earlier first slot, then fewer visits this fiscal year, then expert id.

import {
  industry,
  industryScopes,
  prefecture,
  scopeCoversIndustry,
} from '../../../src/domain/taxonomy.ts';
import {
  DAY_MS,
  formatTimeOfDay,
  MINUTE_MS,
  TOKYO_OFFSET_MS,
  tokyoDate,
  tokyoInstant,
  tokyoMonthKey,
} from '../../../src/domain/time.ts';
import type { Interval } from './intervals.ts';

export type VisitFormat = 'onsite' | 'online';
export type MatchRequest = {
  company: { industryCode: string; prefectureCode: string; corporateNumber: string | null };
  topics: readonly string[];
  format: VisitFormat | 'either';
  followUpExpertId: string | null;
};
export type MatchExpert = {
  id: string;
  name: string;
  industries: readonly string[];
  tags: readonly string[];
  topics: readonly string[];
  prefectures: readonly string[];
  online: boolean;
  active: boolean;
  maxVisitsPerMonth: number;
  conflicts: readonly string[];
};
export type MatchCandidate = {
  expert: MatchExpert;
  visitsThisFiscalYear: number;
  /** 'YYYY-MM' (Asia/Tokyo) → the expert's active sessions starting that month. */
  activeVisitsByMonth: Readonly<Record<string, number>>;
  /** Free slots, computed with the buffer of the format visitFormat gives for this expert. */
  slots: readonly Interval[];
};
export type RankedMatch = {
  expertId: string;
  format: VisitFormat;
  score: number;
  reasons: string[];
  slots: Interval[];
};
export type SlotOffer = { start: number; end: number; expertId: string; format: VisitFormat };

const WEIGHTS = {
  exactGroup: 40,
  sameDivision: 25,
  scopeTag: 10,
  topics: 30,
  continuity: 15,
  load: 10,
  earliest: 5,
};

export function visitFormat(
  request: {
    format: MatchRequest['format'];
    company: Pick<MatchRequest['company'], 'prefectureCode'>;
  },
  expert: Pick<MatchExpert, 'prefectures' | 'online'>,
): VisitFormat | null {
  const onsite = expert.prefectures.includes(request.company.prefectureCode);
  if (request.format !== 'online' && onsite) return 'onsite';
  if (request.format !== 'onsite' && expert.online) return 'online';
  return null;
}

type Eligible = {
  candidate: MatchCandidate;
  format: VisitFormat;
  slots: Interval[];
  first: number;
};

export function rankMatches(
  request: MatchRequest,
  candidates: readonly MatchCandidate[],
): RankedMatch[] {
  const monthOf = monthKeys();
  const eligible = candidates.flatMap((c) => {
    const e = eligibility(request, c, monthOf);
    return e ? [e] : [];
  });
  const firsts = eligible.map((e) => e.first);
  const earliest = Math.min(...firsts);
  const span = Math.max(...firsts) - earliest;

  return eligible
    .map((e) => {
      const parts = [
        industryFit(request.company.industryCode, e.candidate.expert),
        topicCoverage(request.topics, e.candidate.expert.topics),
        formatPart(request, e.format),
        continuity(request, e.candidate.expert),
        load(e.candidate.visitsThisFiscalYear),
        earliestSlot(e.first, earliest, span),
      ];
      const tenths = parts.reduce((sum, p) => sum + Math.round(p.points * 10), 0);
      return {
        match: {
          expertId: e.candidate.expert.id,
          format: e.format,
          score: tenths / 10,
          reasons: parts.flatMap((p) => (p.reason ? [p.reason] : [])),
          slots: e.slots,
        },
        first: e.first,
        visits: e.candidate.visitsThisFiscalYear,
      };
    })
    .sort(
      (a, b) =>
        b.match.score - a.match.score ||
        a.first - b.first ||
        a.visits - b.visits ||
        compareCodeUnits(a.match.expertId, b.match.expertId),
    )
    .map((r) => r.match);
}

function eligibility(
  request: MatchRequest,
  candidate: MatchCandidate,
  monthOf: (instant: number) => string,
): Eligible | null {
  const { expert } = candidate;
  if (!expert.active) return null;
  const format = visitFormat(request, expert);
  if (!format) return null;
  const corporateNumber = request.company.corporateNumber;
  if (corporateNumber !== null && expert.conflicts.includes(corporateNumber)) return null;
  const slots = candidate.slots
    .filter(
      (s) => (candidate.activeVisitsByMonth[monthOf(s.start)] ?? 0) < expert.maxVisitsPerMonth,
    )
    .sort((a, b) => a.start - b.start);
  const first = slots[0];
  return first ? { candidate, format, slots, first: first.start } : null;
}

/**
 * tokyoMonthKey, remembered by Tokyo day: every expert's slots fall on the same few days, and
 * formatting a date for each slot of each expert was a good part of ranking's time.
 */
function monthKeys(): (instant: number) => string {
  const byDay = new Map<number, string>();
  return (instant) => {
    const day = Math.floor((instant + TOKYO_OFFSET_MS) / DAY_MS);
    let key = byDay.get(day);
    if (key === undefined) {
      key = tokyoMonthKey(instant);
      byDay.set(day, key);
    }
    return key;
  };
}

type Part = { points: number; reason: string | null };

function industryFit(companyCode: string, expert: MatchExpert): Part {
  const target = industry(companyCode);
  if (!target) return { points: 0, reason: null };
  if (target.level === 'group' && expert.industries.includes(target.code)) {
    return { points: WEIGHTS.exactGroup, reason: `同一中分類 ${target.code} ${target.name.ja}` };
  }
  if (expert.industries.some((code) => industry(code)?.division === target.division)) {
    const name = industry(target.division)?.name.ja ?? '';
    return { points: WEIGHTS.sameDivision, reason: `同一大分類 ${target.division} ${name}` };
  }
  const scope = industryScopes.find(
    (s) => expert.tags.includes(s.code) && scopeCoversIndustry(s.code, target.code),
  );
  if (scope) return { points: WEIGHTS.scopeTag, reason: `対応範囲 ${scope.name.ja}` };
  return { points: 0, reason: null };
}

function topicCoverage(requested: readonly string[], covered: readonly string[]): Part {
  const wanted = new Set(requested);
  if (wanted.size === 0) return { points: 0, reason: null };
  const hits = [...wanted].filter((t) => covered.includes(t)).length;
  return { points: (WEIGHTS.topics * hits) / wanted.size, reason: `topics ${hits}/${wanted.size}` };
}

// Scores nothing: the format is a filter, but staff should see how the expert would come.
function formatPart(request: MatchRequest, format: VisitFormat): Part {
  if (format === 'online') return { points: 0, reason: 'online' };
  const code = request.company.prefectureCode;
  return { points: 0, reason: `on site in ${prefecture(code)?.name.ja ?? code}` };
}

function continuity(request: MatchRequest, expert: MatchExpert): Part {
  return request.followUpExpertId === expert.id
    ? { points: WEIGHTS.continuity, reason: '前回担当 (follow-up)' }
    : { points: 0, reason: null };
}

function load(visits: number): Part {
  return {
    points: WEIGHTS.load / (1 + visits),
    reason: `${visits} ${visits === 1 ? 'visit' : 'visits'} this FY`,
  };
}

function earliestSlot(first: number, earliest: number, span: number): Part {
  const share = span === 0 ? 1 : (earliest + span - first) / span;
  return { points: WEIGHTS.earliest * share, reason: `earliest ${formatTokyo(first)} JST` };
}

function formatTokyo(instant: number): string {
  const date = tokyoDate(instant);
  const minutes = Math.floor((instant - tokyoInstant(date).getTime()) / MINUTE_MS);
  return `${date} ${formatTimeOfDay(minutes)}`;
}

// Locale-independent, so the order is the same on every server.
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every slot start offered by any ranked expert, once, with the best-ranked expert free then.
 * `ranked` must be in rank order, as rankMatches returns it.
 */
export function bestExpertPerSlot(ranked: readonly RankedMatch[]): SlotOffer[] {
  const byStart = new Map<number, SlotOffer>();
  for (const match of ranked) {
    for (const { start, end } of match.slots) {
      if (!byStart.has(start)) {
        byStart.set(start, { start, end, expertId: match.expertId, format: match.format });
      }
    }
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}
