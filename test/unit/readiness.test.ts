import { describe, expect, it } from 'vitest';
import {
  companyReadiness,
  MAX_READINESS_TOTAL,
  meanLevels,
  meansOfSums,
  parseReadinessLevels,
  type ReadinessLevels,
  readinessLevelNames,
  readinessProblem,
  readinessRose,
  readinessTotal,
  summariseReadiness,
} from '../../src/domain/readiness.ts';
import { stepCodes, topicCodes } from '../../src/domain/topics.ts';

/** Levels in step order: identify, classify, manager, process, training, incident, access, physical, electronic. */
function levels(...values: number[]): ReadinessLevels {
  expect(values).toHaveLength(9);
  return Object.fromEntries(stepCodes.map((step, i) => [step, values[i]])) as ReadinessLevels;
}

describe('the nine steps', () => {
  it('are the first nine consultation topics, in METI order', () => {
    expect(stepCodes).toEqual([
      'identify',
      'classify',
      'manager',
      'process',
      'training',
      'incident',
      'access',
      'physical',
      'electronic',
    ]);
    expect(topicCodes.slice(0, 9)).toEqual([...stepCodes]);
  });

  it('names the four levels as the survey form does', () => {
    expect(readinessLevelNames).toEqual({
      0: { ja: '未着手', en: 'Not started' },
      1: { ja: '検討中', en: 'Under consideration' },
      2: { ja: '一部実施', en: 'Partly in place' },
      3: { ja: '実施済', en: 'In place' },
    });
    expect(MAX_READINESS_TOTAL).toBe(27);
  });
});

describe('parseReadinessLevels', () => {
  const valid = {
    identify: 3,
    classify: 2,
    manager: 2,
    process: 1,
    training: 1,
    incident: 0,
    access: 2,
    physical: 3,
    electronic: 0,
  };

  it('reads an answer with all nine steps at 0–3', () => {
    expect(parseReadinessLevels(valid)).toEqual({ ok: true, value: valid });
  });

  it('refuses a partial answer, naming each missing step', () => {
    const { manager: _m, electronic: _e, ...partial } = valid;
    expect(parseReadinessLevels(partial)).toEqual({
      ok: false,
      problems: [
        { path: 'manager', message: 'is required (must be an integer from 0 to 3)' },
        { path: 'electronic', message: 'is required (must be an integer from 0 to 3)' },
      ],
    });
  });

  it('refuses levels that are not the integers 0–3', () => {
    for (const bad of [-1, 4, 1.5, '2', null, true, Number.NaN]) {
      const result = parseReadinessLevels({ ...valid, training: bad });
      expect(result, String(bad)).toEqual({
        ok: false,
        problems: [{ path: 'training', message: 'must be an integer from 0 to 3' }],
      });
    }
  });

  it('refuses a step it does not know, so a misspelt step is not silently dropped', () => {
    const result = parseReadinessLevels({ ...valid, audit: 2 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.path)).toEqual(['audit']);
  });

  it('refuses what is not an object at all', () => {
    for (const bad of [null, [], 3, 'identify']) {
      const result = parseReadinessLevels(bad);
      expect(result.ok, JSON.stringify(bad)).toBe(false);
      expect(!result.ok && result.problems.map((p) => p.path)).toEqual(['']);
    }
  });
});

describe('readinessTotal and meanLevels', () => {
  it('adds the nine levels', () => {
    expect(readinessTotal(levels(3, 2, 2, 1, 1, 0, 2, 3, 0))).toBe(14);
    expect(readinessTotal(levels(3, 3, 3, 3, 3, 3, 3, 3, 3))).toBe(27);
  });

  it('averages each step over the answers, to two decimals', () => {
    const mean = meanLevels([
      levels(1, 0, 3, 0, 0, 0, 0, 0, 3),
      levels(1, 1, 3, 0, 0, 0, 0, 0, 3),
      levels(2, 1, 3, 0, 0, 0, 0, 0, 3),
    ]);
    expect(mean).toEqual({
      identify: 1.33,
      classify: 0.67,
      manager: 3,
      process: 0,
      training: 0,
      incident: 0,
      access: 0,
      physical: 0,
      electronic: 3,
    });
  });

  it('has no mean without answers', () => {
    expect(meanLevels([])).toBeNull();
  });

  it('gives the same means from each step’s sum, as the database adds them up', () => {
    expect(meansOfSums(levels(4, 2, 9, 0, 0, 0, 0, 0, 9), 3)).toEqual(
      meanLevels([
        levels(1, 0, 3, 0, 0, 0, 0, 0, 3),
        levels(1, 1, 3, 0, 0, 0, 0, 0, 3),
        levels(2, 1, 3, 0, 0, 0, 0, 0, 3),
      ]),
    );
    expect(meansOfSums(levels(0, 0, 0, 0, 0, 0, 0, 0, 0), 0)).toBeNull();
  });
});

describe('readinessRose', () => {
  const before = levels(1, 1, 0, 0, 1, 0, 2, 3, 2); // 10

  it('rose when the after-total exceeds the before-total', () => {
    expect(readinessRose(before, levels(2, 2, 1, 1, 1, 0, 2, 3, 2))).toBe(true); // 14
  });

  it('did not rise at the same total, even when the steps moved', () => {
    expect(readinessRose(before, before)).toBe(false);
    expect(readinessRose(before, levels(2, 1, 0, 0, 1, 0, 2, 3, 1))).toBe(false); // 10
  });

  it('rose for a company that moved three steps up and marked one down', () => {
    expect(readinessRose(before, levels(2, 2, 1, 0, 1, 0, 2, 2, 2))).toBe(true); // 12
  });

  it('did not rise for one step up and two down', () => {
    expect(readinessRose(before, levels(3, 1, 0, 0, 1, 0, 1, 2, 2))).toBe(false); // 10: identify +2, access and physical −1
    expect(readinessRose(before, levels(2, 1, 0, 0, 1, 0, 1, 2, 2))).toBe(false); // 9: identify +1, two −1
  });
});

describe('companyReadiness', () => {
  const a = levels(0, 0, 0, 0, 0, 0, 0, 0, 0);
  const b = levels(1, 1, 1, 1, 1, 1, 1, 1, 1);
  const c = levels(2, 2, 2, 2, 2, 2, 2, 2, 2);

  it('takes the first request’s before and the latest after', () => {
    expect(
      companyReadiness([
        { before: a, after: b },
        { before: b, after: c },
      ]),
    ).toEqual({ before: a, after: c });
  });

  it('takes no baseline from a follow-up when the first request had none', () => {
    expect(
      companyReadiness([
        { before: null, after: b },
        { before: b, after: c },
      ]),
    ).toEqual({ before: null, after: c });
  });

  it('keeps an earlier after while the latest request has none yet', () => {
    expect(
      companyReadiness([
        { before: a, after: b },
        { before: b, after: null },
      ]),
    ).toEqual({ before: a, after: b });
  });

  it('has nothing without requests', () => {
    expect(companyReadiness([])).toEqual({ before: null, after: null });
  });
});

describe('summariseReadiness', () => {
  it('means each phase over its answers and counts risers over companies with both', () => {
    const summary = summariseReadiness([
      // rose: 9 → 18
      { before: levels(1, 1, 1, 1, 1, 1, 1, 1, 1), after: levels(2, 2, 2, 2, 2, 2, 2, 2, 2) },
      // fell: 18 → 17
      { before: levels(2, 2, 2, 2, 2, 2, 2, 2, 2), after: levels(2, 2, 2, 2, 2, 2, 2, 2, 1) },
      // after only: in the after mean, not compared
      { before: null, after: levels(3, 3, 3, 3, 3, 3, 3, 3, 3) },
      // nothing answered
      { before: null, after: null },
    ]);
    expect(summary.before).toEqual({
      answered: 2,
      mean: Object.fromEntries(stepCodes.map((s) => [s, 1.5])),
    });
    expect(summary.after.answered).toBe(3);
    expect(summary.after.mean?.identify).toBe(2.33);
    expect(summary.after.mean?.electronic).toBe(2);
    expect(summary.compared).toBe(2);
    expect(summary.rose).toBe(1);
  });

  it('reports nothing over no companies', () => {
    expect(summariseReadiness([])).toEqual({
      before: { answered: 0, mean: null },
      after: { answered: 0, mean: null },
      compared: 0,
      rose: 0,
    });
  });
});

describe('readinessProblem', () => {
  const visit = new Date('2021-06-10T01:00:00Z');
  const before = new Date('2021-06-10T00:59:59Z');
  const facts = (
    status: Parameters<typeof readinessProblem>[1]['status'],
    firstVisitStart: Date | null = null,
    firstAnsweredAt: Date | null = null,
  ) => ({ status, firstVisitStart, firstAnsweredAt });

  it('takes the baseline from the application until the first visit begins', () => {
    for (const status of ['received', 'accepted'] as const) {
      expect(readinessProblem('before', facts(status), visit), status).toBeNull();
    }
    expect(readinessProblem('before', facts('scheduled', visit), before)).toBeNull();
    expect(readinessProblem('before', facts('scheduled', visit), visit)).toBe(
      'The readiness before the visits is taken until the first visit begins (2021-06-10T01:00:00.000Z)',
    );
    expect(readinessProblem('before', facts('completed', visit), visit)).not.toBeNull();
  });

  it('judges the baseline by the time it is given, not by what the request became', () => {
    // Given the day after applying; the request was completed later.
    expect(readinessProblem('before', facts('completed', visit), before)).toBeNull();
  });

  it('takes no baseline for a request declined or withdrawn', () => {
    expect(readinessProblem('before', facts('declined'), before)).toMatch(/declined request/);
    expect(readinessProblem('before', facts('cancelled'), before)).toMatch(/cancelled request/);
  });

  it('asks after the visits once the request is completed, not before', () => {
    expect(readinessProblem('after', facts('completed', visit), visit)).toBeNull();
    for (const status of ['received', 'accepted', 'scheduled', 'declined', 'cancelled'] as const) {
      expect(readinessProblem('after', facts(status, visit), visit), status).toMatch(
        new RegExp(`this request is ${status}`),
      );
    }
  });

  it('lets the answer after change for 14 × 24 hours from the first, then locks it', () => {
    const first = new Date('2021-06-12T03:00:00Z');
    const done = facts('completed', visit, first);
    expect(readinessProblem('after', done, new Date('2021-06-26T02:59:59Z'))).toBeNull();
    expect(readinessProblem('after', done, new Date('2021-06-26T03:00:00Z'))).toBe(
      'The readiness after the visits could be changed for 14 days, until 2021-06-26T03:00:00.000Z',
    );
  });
});
