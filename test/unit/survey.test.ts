import { describe, expect, it } from 'vitest';
import {
  isSatisfied,
  parseSurvey,
  SURVEY_COMMENT_MAX,
  summariseSurveys,
  surveyEditableUntil,
  surveyLocked,
  surveyProblem,
  surveySummary,
} from '../../src/domain/survey.ts';
import { DAY_MS } from '../../src/domain/time.ts';

const minimal = { satisfaction: 4, resolved: 'partly', wantsMore: true };

describe('parseSurvey', () => {
  it('reads the required answers, the comment and the rating left blank', () => {
    expect(parseSurvey(minimal)).toEqual({
      ok: true,
      value: { ...minimal, comment: '', expertRating: null },
    });
  });

  it('reads a full answer with a multi-line comment', () => {
    const full = {
      satisfaction: 5,
      resolved: 'yes',
      wantsMore: false,
      comment: '守る情報の決め方がわかりました。\n次は教育に取り組みます。',
      expertRating: 5,
    };
    expect(parseSurvey(full)).toEqual({ ok: true, value: full });
  });

  const pathsOf = (input: unknown) => {
    const result = parseSurvey(input);
    return result.ok ? [] : result.problems.map((p) => p.path);
  };

  it('holds satisfaction and the expert rating to the integers 1–5', () => {
    for (const bad of [0, 6, 3.5, '4', null]) {
      expect(pathsOf({ ...minimal, satisfaction: bad }), String(bad)).toEqual(['satisfaction']);
    }
    for (const bad of [0, 6, 2.5, '3']) {
      expect(pathsOf({ ...minimal, expertRating: bad }), String(bad)).toEqual(['expertRating']);
    }
    for (const good of [1, 5]) {
      expect(pathsOf({ ...minimal, satisfaction: good, expertRating: good })).toEqual([]);
    }
  });

  it('takes resolved as yes, partly or no, and wantsMore as a boolean', () => {
    expect(pathsOf({ ...minimal, resolved: 'maybe' })).toEqual(['resolved']);
    expect(pathsOf({ ...minimal, resolved: 'YES' })).toEqual(['resolved']);
    expect(pathsOf({ ...minimal, wantsMore: 'yes' })).toEqual(['wantsMore']);
    expect(pathsOf({ ...minimal, wantsMore: 1 })).toEqual(['wantsMore']);
  });

  it('reports every problem at once', () => {
    expect(pathsOf({})).toEqual(['satisfaction', 'resolved', 'wantsMore']);
    expect(pathsOf(null)).toEqual(['']);
    expect(pathsOf([minimal])).toEqual(['']);
  });

  it('accepts LF and no other control character in the comment', () => {
    expect(pathsOf({ ...minimal, comment: 'a\nb\n' })).toEqual([]);
    for (const bad of ['a\r\nb', 'a\rb', 'a\tb', 'a\u0000b', 'a\u007fb', 'a\u0085b', 'a\u2028b']) {
      expect(pathsOf({ ...minimal, comment: bad }), JSON.stringify(bad)).toEqual(['comment']);
    }
    expect(pathsOf({ ...minimal, comment: 42 })).toEqual(['comment']);
  });

  it('counts the comment in characters, up to SURVEY_COMMENT_MAX', () => {
    expect(SURVEY_COMMENT_MAX).toBe(2000);
    expect(pathsOf({ ...minimal, comment: 'あ'.repeat(2000) })).toEqual([]);
    expect(pathsOf({ ...minimal, comment: 'あ'.repeat(2001) })).toEqual(['comment']);
    // Each emoji is two UTF-16 units but one character.
    expect(pathsOf({ ...minimal, comment: '😀'.repeat(2000) })).toEqual([]);
  });
});

describe('surveyLocked', () => {
  // First sent on 1 Oct 2021 at 10:00 in Tokyo.
  const first = Date.parse('2021-10-01T10:00:00+09:00');

  it('stays editable for 14 × 24 hours from the first submission', () => {
    expect(surveyEditableUntil(first).toISOString()).toBe('2021-10-15T01:00:00.000Z');
    expect(surveyLocked(first, first)).toBe(false);
    expect(surveyLocked(first, first + 14 * DAY_MS - 1)).toBe(false);
  });

  it('locks at the instant the 14 days end, and after', () => {
    expect(surveyLocked(first, first + 14 * DAY_MS)).toBe(true);
    expect(surveyLocked(new Date(first), new Date('2022-01-01T00:00:00Z'))).toBe(true);
  });

  it('is not locked before it was ever sent', () => {
    expect(surveyLocked(null, Date.parse('2030-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('surveyProblem', () => {
  const first = new Date('2021-10-01T01:00:00Z');

  it('lets the company answer a completed visit until the survey locks', () => {
    const now = new Date('2021-10-02T00:00:00Z');
    expect(surveyProblem({ status: 'completed', surveyFirstSubmittedAt: null }, now)).toBeNull();
    expect(surveyProblem({ status: 'completed', surveyFirstSubmittedAt: first }, now)).toBeNull();
  });

  it('refuses a visit that did not take place', () => {
    const now = new Date('2021-10-02T00:00:00Z');
    for (const status of ['confirmed', 'cancelled', 'no_show'] as const) {
      expect(surveyProblem({ status, surveyFirstSubmittedAt: null }, now), status).toMatch(
        /^Only a completed visit has a survey/,
      );
    }
  });

  it('refuses a change once locked, saying until when it was open', () => {
    expect(
      surveyProblem(
        { status: 'completed', surveyFirstSubmittedAt: first },
        new Date('2021-10-15T01:00:00Z'),
      ),
    ).toBe('The survey could be changed for 14 days, until 2021-10-15T01:00:00.000Z');
  });
});

describe('isSatisfied', () => {
  it('counts 4 and 5 as satisfied', () => {
    expect([1, 2, 3, 4, 5].map((s) => isSatisfied(s as 1 | 2 | 3 | 4 | 5))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });
});

describe('summariseSurveys', () => {
  it('gives the worked example: 5 surveys over 8 completed visits', () => {
    const answers = [
      { satisfaction: 5, resolved: 'yes', wantsMore: true },
      { satisfaction: 4, resolved: 'yes', wantsMore: false },
      { satisfaction: 4, resolved: 'partly', wantsMore: true },
      { satisfaction: 3, resolved: 'partly', wantsMore: true },
      { satisfaction: 2, resolved: 'no', wantsMore: false },
    ] as const;
    expect(summariseSurveys(answers, 8)).toEqual({
      responses: 5,
      responseRate: 0.625,
      satisfied: 3,
      satisfiedShare: 0.6,
      resolved: { yes: 2, partly: 2, no: 1 },
      resolvedShare: 0.4,
      wantsMore: 3,
    });
  });

  it('has no shares without answers or visits', () => {
    expect(summariseSurveys([], 0)).toEqual({
      responses: 0,
      responseRate: null,
      satisfied: 0,
      satisfiedShare: null,
      resolved: { yes: 0, partly: 0, no: 0 },
      resolvedShare: null,
      wantsMore: 0,
    });
    expect(summariseSurveys([], 3).responseRate).toBe(0);
  });

  it('gives the same figures from counts, as the database keeps them', () => {
    expect(
      surveySummary(
        { responses: 5, satisfied: 3, resolved: { yes: 2, partly: 2, no: 1 }, wantsMore: 3 },
        8,
      ),
    ).toEqual({
      responses: 5,
      responseRate: 0.625,
      satisfied: 3,
      satisfiedShare: 0.6,
      resolved: { yes: 2, partly: 2, no: 1 },
      resolvedShare: 0.4,
      wantsMore: 3,
    });
  });

  it('rounds shares to three decimals', () => {
    const one = { satisfaction: 4, resolved: 'yes', wantsMore: false } as const;
    const two = { satisfaction: 1, resolved: 'no', wantsMore: false } as const;
    const summary = summariseSurveys([one, two, two], 7);
    expect(summary.satisfiedShare).toBe(0.333);
    expect(summary.responseRate).toBe(0.429);
  });
});
