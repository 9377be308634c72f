import { describe, expect, it } from 'vitest';
import {
  bodyCoversIndustry,
  CERTIFICATION_NUMBER_MAX,
  certificationBodies,
  certificationBody,
  certificationConflict,
  certificationConflictReason,
  certificationOutcome,
  daysToCertification,
  isCertificationBodyId,
  parseCertification,
} from '../../src/domain/certification.ts';
import { isIndustryScope } from '../../src/domain/industry-scopes.ts';
import { median } from '../../src/domain/report.ts';

describe('certificationBodies', () => {
  it('holds the six accredited bodies of March 2022, with their accreditation dates', () => {
    expect(certificationBodies.map((b) => [b.id, b.name.ja, b.accreditedOn])).toEqual([
      ['jicqa', '日本検査キューエイ株式会社', '2019-03-14'],
      ['jqa', '一般財団法人日本品質保証機構', '2019-07-02'],
      ['jaco', '株式会社日本環境認証機構', '2020-02-21'],
      ['bsk', '公益財団法人防衛基盤整備協会', '2020-03-25'],
      ['kansai-infosec', '一般社団法人情報セキュリティ関西研究所', '2020-08-28'],
      ['jdmia', '一般社団法人日本金型工業会', '2020-11-20'],
    ]);
  });

  it('gives each an English name and a scope that is one of the industry scopes', () => {
    for (const body of certificationBodies) {
      expect(body.name.en, body.id).toMatch(/^[A-Z][\x20-\x7e]+$/);
      expect(isIndustryScope(body.scope), body.id).toBe(true);
    }
    expect(certificationBodies.map((b) => b.scope)).toEqual([
      'all-industries',
      'all-industries',
      'all-industries',
      'aerospace-defence',
      'manufacturing',
      'die-mould',
    ]);
  });

  it('finds a body by id, and nothing for an unknown one', () => {
    expect(certificationBody('jqa')?.name.en).toBe('Japan Quality Assurance Organization');
    expect(certificationBody('JQA')).toBeUndefined();
    expect(isCertificationBodyId('jdmia')).toBe(true);
    expect(isCertificationBodyId('iso')).toBe(false);
  });
});

describe('bodyCoversIndustry', () => {
  it('lets an all-industries body certify any division or group', () => {
    for (const code of ['A', 'E', 'E24', 'G', 'I56', 'T']) {
      expect(bodyCoversIndustry('jicqa', code), code).toBe(true);
    }
  });

  it('keeps the manufacturing body to division E and its groups', () => {
    expect(bodyCoversIndustry('kansai-infosec', 'E')).toBe(true);
    expect(bodyCoversIndustry('kansai-infosec', 'E09')).toBe(true);
    expect(bodyCoversIndustry('kansai-infosec', 'G')).toBe(false);
    expect(bodyCoversIndustry('kansai-infosec', 'I50')).toBe(false);
  });

  it('keeps the die-and-mould body to manufacturing, as its scope does', () => {
    expect(bodyCoversIndustry('jdmia', 'E26')).toBe(true);
    expect(bodyCoversIndustry('jdmia', 'E18')).toBe(true);
    expect(bodyCoversIndustry('jdmia', 'D')).toBe(false);
  });

  it('keeps the defence body to E29, E30 and E31, and not the bare division', () => {
    for (const code of ['E29', 'E30', 'E31'])
      expect(bodyCoversIndustry('bsk', code), code).toBe(true);
    for (const code of ['E', 'E28', 'E32', 'G', 'H']) {
      expect(bodyCoversIndustry('bsk', code), code).toBe(false);
    }
  });

  it('covers nothing for an unknown body or industry', () => {
    expect(bodyCoversIndustry('nobody', 'E')).toBe(false);
    expect(bodyCoversIndustry('jicqa', 'Z')).toBe(false);
    expect(bodyCoversIndustry('jicqa', 'E99')).toBe(false);
  });
});

describe('parseCertification', () => {
  // 31 March 2022, 23:59 in Tokyo.
  const now = new Date('2022-03-31T14:59:00Z');
  const pathsOf = (input: unknown, at: Date = now) => {
    const result = parseCertification(input, at);
    return result.ok ? [] : result.problems.map((p) => p.path);
  };

  it('reads a certification, the number optional', () => {
    expect(
      parseCertification({ date: '2021-12-01', bodyId: 'jqa', number: 'TIM-0042' }, now),
    ).toEqual({ ok: true, value: { date: '2021-12-01', bodyId: 'jqa', number: 'TIM-0042' } });
    expect(parseCertification({ date: '2021-12-01', bodyId: 'jqa' }, now)).toEqual({
      ok: true,
      value: { date: '2021-12-01', bodyId: 'jqa', number: null },
    });
    for (const none of ['', null]) {
      const result = parseCertification({ date: '2021-12-01', bodyId: 'jqa', number: none }, now);
      expect(result.ok && result.value.number).toBeNull();
    }
  });

  it('refuses a date before the body was accredited', () => {
    expect(pathsOf({ date: '2020-03-25', bodyId: 'bsk' })).toEqual([]);
    const result = parseCertification({ date: '2020-03-24', bodyId: 'bsk' }, now);
    expect(result).toEqual({
      ok: false,
      problems: [{ path: 'date', message: 'is before bsk was accredited (2020-03-25)' }],
    });
    expect(pathsOf({ date: '2019-03-13', bodyId: 'jicqa' })).toEqual(['date']);
    expect(pathsOf({ date: '2019-03-14', bodyId: 'jicqa' })).toEqual([]);
  });

  it('refuses a date after today in Tokyo, whatever the UTC date', () => {
    expect(pathsOf({ date: '2022-03-31', bodyId: 'jqa' })).toEqual([]);
    expect(pathsOf({ date: '2022-04-01', bodyId: 'jqa' })).toEqual(['date']);
    // One minute later it is 1 April in Tokyo, still 31 March in UTC.
    expect(
      pathsOf({ date: '2022-04-01', bodyId: 'jqa' }, new Date('2022-03-31T15:00:00Z')),
    ).toEqual([]);
  });

  it('refuses what is not a date or not a body', () => {
    for (const date of ['2021-02-30', '2021/12/01', '20211201', 20211201, null]) {
      expect(pathsOf({ date, bodyId: 'jqa' }), String(date)).toEqual(['date']);
    }
    expect(pathsOf({ date: '2021-12-01', bodyId: 'JQA' })).toEqual(['bodyId']);
    expect(pathsOf({ date: '2021-12-01' })).toEqual(['bodyId']);
    expect(pathsOf({})).toEqual(['bodyId', 'date']);
    expect(pathsOf('jqa')).toEqual(['']);
  });

  it('holds the number to one line of CERTIFICATION_NUMBER_MAX characters', () => {
    const base = { date: '2021-12-01', bodyId: 'jqa' };
    expect(pathsOf({ ...base, number: 'A'.repeat(CERTIFICATION_NUMBER_MAX) })).toEqual([]);
    expect(pathsOf({ ...base, number: 'A'.repeat(CERTIFICATION_NUMBER_MAX + 1) })).toEqual([
      'number',
    ]);
    expect(pathsOf({ ...base, number: 'TIM\n0042' })).toEqual(['number']);
    expect(pathsOf({ ...base, number: 42 })).toEqual(['number']);
  });
});

describe('daysToCertification', () => {
  it('counts calendar days from the first visit to the first certification after it', () => {
    expect(daysToCertification('2021-06-10', ['2021-06-11'])).toBe(1);
    expect(daysToCertification('2021-06-10', ['2022-03-01', '2021-12-01'])).toBe(174);
    expect(daysToCertification('2023-06-10', ['2024-06-10'])).toBe(366);
  });

  it('does not count a certificate dated on or before the first visit', () => {
    expect(daysToCertification('2021-06-10', ['2021-06-10'])).toBeNull();
    expect(daysToCertification('2021-06-10', ['2020-12-01'])).toBeNull();
    expect(daysToCertification('2021-06-10', ['2020-12-01', '2021-07-10'])).toBe(30);
    expect(daysToCertification('2021-06-10', [])).toBeNull();
  });
});

describe('median', () => {
  it('takes the middle value of an odd count, in any order', () => {
    expect(median([90, 30, 200])).toBe(90);
    expect(median([7])).toBe(7);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([30, 90, 200, 120])).toBe(105);
    expect(median([30, 91])).toBe(60.5);
  });

  it('has none of nothing', () => {
    expect(median([])).toBeNull();
  });
});

describe('certificationOutcome', () => {
  it('counts companies certified after their first visit and the median days', () => {
    expect(
      certificationOutcome([
        { firstVisitOn: '2021-05-10', certifiedOn: ['2021-11-06'] }, // 180
        { firstVisitOn: '2021-07-01', certifiedOn: ['2021-09-29'] }, // 90
        { firstVisitOn: '2021-08-01', certifiedOn: ['2021-08-01'] }, // same day: not after
        { firstVisitOn: '2021-09-01', certifiedOn: ['2022-03-31'] }, // 211
        { firstVisitOn: '2021-10-01', certifiedOn: [] },
        { firstVisitOn: '2021-04-20', certifiedOn: ['2021-06-19'] }, // 60
      ]),
    ).toEqual({ certifiedAfterVisit: 4, medianDaysToCertification: 135 });
  });

  it('has no median without a certification', () => {
    expect(certificationOutcome([{ firstVisitOn: '2021-05-10', certifiedOn: [] }])).toEqual({
      certifiedAfterVisit: 0,
      medianDaysToCertification: null,
    });
  });
});

describe('certificationConflict', () => {
  const certified = { bodyId: 'jqa', status: 'certified' as const };
  const auditing = { bodyId: 'jqa', status: 'auditing' as const };
  const other = { bodyId: 'jicqa', status: 'certified' as const };

  it('conflicts an expert of a body with a company that body certified', () => {
    expect(certificationConflict('jqa', [other, certified])).toEqual({
      bodyId: 'jqa',
      status: 'certified',
    });
  });

  it('conflicts them as soon as the body is auditing the company', () => {
    expect(certificationConflict('jqa', [auditing])).toEqual({ bodyId: 'jqa', status: 'auditing' });
    // Audited, then certified: the certificate is the reason given.
    expect(certificationConflict('jqa', [auditing, certified])?.status).toBe('certified');
  });

  it('leaves an expert free of companies other bodies certified, and experts of no body', () => {
    expect(certificationConflict('jqa', [other])).toBeNull();
    expect(certificationConflict('jqa', [])).toBeNull();
    expect(certificationConflict(null, [certified, auditing, other])).toBeNull();
    expect(certificationConflict('nobody', [{ bodyId: 'nobody', status: 'certified' }])).toBeNull();
  });

  it('names the body and what it did in the reason', () => {
    expect(certificationConflictReason({ bodyId: 'jqa', status: 'certified' })).toBe(
      '利益相反: 一般財団法人日本品質保証機構が認証した企業',
    );
    expect(certificationConflictReason({ bodyId: 'jdmia', status: 'auditing' })).toBe(
      '利益相反: 一般社団法人日本金型工業会が審査中の企業',
    );
  });
});
