// Matching: which experts may visit a request's company, and in what order staff see them.
//
// Hard filters (the expert is not listed):
//   - inactive;
//   - cannot serve the format: on site needs the company's prefecture among the expert's
//     prefectures, online needs `online`; `either` visits on site when possible, else online;
//   - a conflict of interest: the company's corporate number is among the expert's
//     conflicts, or the accredited body the expert audits for has certified the company or
//     is auditing it;
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
  type CertificationConflict,
  type CertificationStatus,
  certificationConflict,
} from './certification.js';
import type { Interval } from './intervals.js';
import { industry, industryScopes, prefecture, scopeCoversIndustry } from './taxonomy.js';
import {
  DAY_MS,
  formatTimeOfDay,
  MINUTE_MS,
  TOKYO_OFFSET_MS,
  tokyoDate,
  tokyoInstant,
  tokyoMonthKey,
} from './time.js';

export type VisitFormat = 'onsite' | 'online';
export type MatchRequest = {
  company: {
    industryCode: string;
    prefectureCode: string;
    corporateNumber: string | null;
    /** What accredited bodies have recorded with the company (certified, or auditing it). */
    certifications: readonly { bodyId: string; status: CertificationStatus }[];
  };
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
  /** The accredited body the expert audits for, if any. */
  certificationBodyId: string | null;
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
  /** The factors in words, in Japanese and English as the API has always given them. */
  reasons: string[];
  /** The same factors as data, for a page to word in its own language. */
  factors: MatchFactor[];
  slots: Interval[];
};

/** One part of a match's score, or how the expert would come (points 0). */
export type MatchFactor =
  | { kind: 'industry'; fit: 'group' | 'division' | 'scope'; code: string; points: number }
  | { kind: 'topics'; covered: number; requested: number; points: number }
  | { kind: 'format'; format: VisitFormat; prefectureCode: string | null; points: 0 }
  | { kind: 'continuity'; points: number }
  | { kind: 'load'; visits: number; points: number }
  | { kind: 'earliest'; start: number; points: number };

/** Why an expert may not visit a company at all, whatever the format or the time. */
export type Conflict = { kind: 'listed' } | ({ kind: 'certification' } & CertificationConflict);
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

/**
 * The hard filters but free time: how an expert would visit the request's company, or null
 * when they may not (inactive, no format they serve, a conflict of interest).
 */
export function mayVisit(request: MatchRequest, expert: MatchExpert): VisitFormat | null {
  if (!expert.active || conflictOf(request, expert)) return null;
  return visitFormat(request, expert);
}

/** The conflict of interest that keeps an expert away from the request's company, if any. */
export function conflictOf(
  request: { company: Pick<MatchRequest['company'], 'corporateNumber' | 'certifications'> },
  expert: Pick<MatchExpert, 'conflicts' | 'certificationBodyId'>,
): Conflict | null {
  const corporateNumber = request.company.corporateNumber;
  if (corporateNumber !== null && expert.conflicts.includes(corporateNumber)) {
    return { kind: 'listed' };
  }
  const body = certificationConflict(expert.certificationBodyId, request.company.certifications);
  return body ? { kind: 'certification', ...body } : null;
}

/** An expert who passes the hard filters: how they would come, their free slots in time order. */
export type Eligible = {
  candidate: MatchCandidate;
  format: VisitFormat;
  slots: Interval[];
  first: number;
};

export function rankMatches(
  request: MatchRequest,
  candidates: readonly MatchCandidate[],
): RankedMatch[] {
  return scoreEligible(request, eligibleOf(request, candidates)).map(describeMatch);
}

/** The candidates that pass the hard filters, each with its slots under the monthly cap. */
export function eligibleOf(
  request: MatchRequest,
  candidates: readonly MatchCandidate[],
): Eligible[] {
  const monthOf = monthKeys();
  return candidates.flatMap((c) => {
    const e = eligibility(request, c, monthOf);
    return e ? [e] : [];
  });
}

/** An eligible expert with its score and the parts it is made of, in the order they are told. */
export type Scored = { eligible: Eligible; score: number; parts: readonly Part[] };

/**
 * Scores and orders eligible experts, without putting them into words: for thousands of
 * experts of whom a few are shown, only those few need describeMatch. The earliest-slot part
 * compares each first slot with those of all the others, so `eligible` must hold every eligible
 * expert, though the slots beyond each one's first may be left out: the order and scores do
 * not depend on them.
 */
export function scoreEligible(request: MatchRequest, eligible: readonly Eligible[]): Scored[] {
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (const { first } of eligible) {
    if (first < earliest) earliest = first;
    if (first > latest) latest = first;
  }
  const span = latest - earliest;
  // Thousands of experts share a handful of first slots: each is written out once.
  const earliestParts = new Map<number, Part>();
  const earliestPart = (first: number) => {
    let part = earliestParts.get(first);
    if (!part) {
      part = earliestSlot(first, earliest, span);
      earliestParts.set(first, part);
    }
    return part;
  };

  // So do their industries, topics, formats and loads: each part is worked out once.
  const industryParts = remembered((expert: MatchExpert) =>
    industryFit(request.company.industryCode, expert),
  );
  const topicParts = remembered((expert: MatchExpert) =>
    topicCoverage(request.topics, expert.topics),
  );
  const formatParts = new Map<VisitFormat, Part>();
  const loadParts = new Map<number, Part>();

  return eligible
    .map((e): Scored => {
      const { expert, visitsThisFiscalYear: visits } = e.candidate;
      let formatted = formatParts.get(e.format);
      if (!formatted) {
        formatted = formatPart(request, e.format);
        formatParts.set(e.format, formatted);
      }
      let loaded = loadParts.get(visits);
      if (!loaded) {
        loaded = load(visits);
        loadParts.set(visits, loaded);
      }
      const parts = [
        industryParts(`${expert.industries.join(',')}|${expert.tags.join(',')}`, expert),
        topicParts(expert.topics.join(','), expert),
        formatted,
        continuity(request, expert),
        loaded,
        earliestPart(e.first),
      ];
      let tenths = 0;
      for (const p of parts) tenths += Math.round(p.points * 10);
      return { eligible: e, score: tenths / 10, parts };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.eligible.first - b.eligible.first ||
        a.eligible.candidate.visitsThisFiscalYear - b.eligible.candidate.visitsThisFiscalYear ||
        compareCodeUnits(a.eligible.candidate.expert.id, b.eligible.candidate.expert.id),
    );
}

/** A scored expert as a match, in words and as data, with its slots. */
export function describeMatch({ eligible, score, parts }: Scored): RankedMatch {
  return {
    expertId: eligible.candidate.expert.id,
    format: eligible.format,
    score,
    reasons: parts.flatMap((p) => (p.reason ? [p.reason] : [])),
    factors: parts.flatMap((p) => (p.factor ? [p.factor] : [])),
    slots: eligible.slots,
  };
}

function eligibility(
  request: MatchRequest,
  candidate: MatchCandidate,
  monthOf: (instant: number) => string,
): Eligible | null {
  const { expert } = candidate;
  const format = mayVisit(request, expert);
  if (!format) return null;
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
export function monthKeys(): (instant: number) => string {
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

/** One part of a score, with how it is told. */
export type Part = { points: number; reason: string | null; factor: MatchFactor | null };

/** A part worked out once for every expert of the same `key` (what the part depends on). */
function remembered(
  part: (expert: MatchExpert) => Part,
): (key: string, expert: MatchExpert) => Part {
  const parts = new Map<string, Part>();
  return (key, expert) => {
    let known = parts.get(key);
    if (!known) {
      known = part(expert);
      parts.set(key, known);
    }
    return known;
  };
}

const NOTHING: Part = { points: 0, reason: null, factor: null };

function industryFit(companyCode: string, expert: MatchExpert): Part {
  const target = industry(companyCode);
  if (!target) return NOTHING;
  const scored = (kind: 'group' | 'division' | 'scope', code: string, points: number) => ({
    points,
    factor: { kind: 'industry' as const, fit: kind, code, points },
  });
  if (target.level === 'group' && expert.industries.includes(target.code)) {
    return {
      ...scored('group', target.code, WEIGHTS.exactGroup),
      reason: `同一中分類 ${target.code} ${target.name.ja}`,
    };
  }
  if (expert.industries.some((code) => industry(code)?.division === target.division)) {
    const name = industry(target.division)?.name.ja ?? '';
    return {
      ...scored('division', target.division, WEIGHTS.sameDivision),
      reason: `同一大分類 ${target.division} ${name}`,
    };
  }
  const scope = industryScopes.find(
    (s) => expert.tags.includes(s.code) && scopeCoversIndustry(s.code, target.code),
  );
  if (scope) {
    return {
      ...scored('scope', scope.code, WEIGHTS.scopeTag),
      reason: `対応範囲 ${scope.name.ja}`,
    };
  }
  return NOTHING;
}

function topicCoverage(requested: readonly string[], covered: readonly string[]): Part {
  const wanted = new Set(requested);
  if (wanted.size === 0) return NOTHING;
  const hits = [...wanted].filter((t) => covered.includes(t)).length;
  const points = (WEIGHTS.topics * hits) / wanted.size;
  return {
    points,
    reason: `topics ${hits}/${wanted.size}`,
    factor: { kind: 'topics', covered: hits, requested: wanted.size, points },
  };
}

// Scores nothing: the format is a filter, but staff should see how the expert would come.
function formatPart(request: MatchRequest, format: VisitFormat): Part {
  if (format === 'online') {
    return {
      points: 0,
      reason: 'online',
      factor: { kind: 'format', format, prefectureCode: null, points: 0 },
    };
  }
  const code = request.company.prefectureCode;
  return {
    points: 0,
    reason: `on site in ${prefecture(code)?.name.ja ?? code}`,
    factor: { kind: 'format', format, prefectureCode: code, points: 0 },
  };
}

function continuity(request: MatchRequest, expert: MatchExpert): Part {
  if (request.followUpExpertId !== expert.id) return NOTHING;
  const points = WEIGHTS.continuity;
  return { points, reason: '前回担当 (follow-up)', factor: { kind: 'continuity', points } };
}

function load(visits: number): Part {
  const points = WEIGHTS.load / (1 + visits);
  return {
    points,
    reason: `${visits} ${visits === 1 ? 'visit' : 'visits'} this FY`,
    factor: { kind: 'load', visits, points },
  };
}

function earliestSlot(first: number, earliest: number, span: number): Part {
  const share = span === 0 ? 1 : (earliest + span - first) / span;
  const points = WEIGHTS.earliest * share;
  return {
    points,
    reason: `earliest ${formatTokyo(first)} JST`,
    factor: { kind: 'earliest', start: first, points },
  };
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
