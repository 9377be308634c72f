import { describe, expect, it } from 'vitest';
import { isSme, smeLines } from '../../src/domain/sme.ts';
import { industryDivisions, industryGroups } from '../../src/domain/taxonomy.ts';

const linesOf = (code: string) => [...smeLines(code)].sort();

describe('smeLines: where 中小企業庁 places each JSIC industry', () => {
  it('puts whole divisions on the 第1号 line (manufacturing, construction, transport, others)', () => {
    for (const code of ['A', 'B', 'C', 'D', 'F', 'H', 'J', 'S', 'T', 'E09', 'E24', 'E31']) {
      expect(linesOf(code), code).toEqual(['manufacturing-and-others']);
    }
  });

  it('puts L, O, P, Q and R on the services line', () => {
    for (const code of ['L', 'O', 'P', 'Q', 'R']) expect(linesOf(code), code).toEqual(['services']);
  });

  it('splits I into wholesale (I50–I55) and retail (I56–I61)', () => {
    for (const code of ['I50', 'I51', 'I52', 'I53', 'I54', 'I55']) {
      expect(linesOf(code), code).toEqual(['wholesale']);
    }
    for (const code of ['I56', 'I57', 'I58', 'I59', 'I60', 'I61']) {
      expect(linesOf(code), code).toEqual(['retail']);
    }
    expect(linesOf('I')).toEqual(['retail', 'wholesale']);
  });

  it('places the groups of G: only broadcasting and information services are services', () => {
    expect(linesOf('G37')).toEqual(['manufacturing-and-others']);
    expect(linesOf('G38')).toEqual(['services']);
    expect(linesOf('G39')).toEqual(['services', 'software-and-information-processing']);
    expect(linesOf('G40')).toEqual(['manufacturing-and-others']);
    // Film, sound and advertising production are services; newspapers and publishing are not.
    expect(linesOf('G41')).toEqual(['manufacturing-and-others', 'services']);
    expect(linesOf('G')).toEqual([
      'manufacturing-and-others',
      'services',
      'software-and-information-processing',
    ]);
  });

  it('places the groups of K: only goods rental (and parking, within K69) are services', () => {
    expect(linesOf('K68')).toEqual(['manufacturing-and-others']);
    expect(linesOf('K69')).toEqual(['manufacturing-and-others', 'services']);
    expect(linesOf('K70')).toEqual(['services']);
    expect(linesOf('K')).toEqual(['manufacturing-and-others', 'services']);
  });

  it('places the groups of M: lodging is services (ryokan by 政令), eating places are retail', () => {
    expect(linesOf('M75')).toEqual(['ryokan', 'services']);
    expect(linesOf('M76')).toEqual(['retail']);
    expect(linesOf('M77')).toEqual(['retail']);
    expect(linesOf('M')).toEqual(['retail', 'ryokan', 'services']);
  });

  it('places the groups of N: services, but for travel agencies within N79', () => {
    expect(linesOf('N78')).toEqual(['services']);
    expect(linesOf('N79')).toEqual(['manufacturing-and-others', 'services']);
    expect(linesOf('N80')).toEqual(['services']);
  });

  it('puts rubber products on the 政令 line, tyres and industrial belts staying on 第1号', () => {
    expect(linesOf('E19')).toEqual(['manufacturing-and-others', 'rubber-products']);
    expect(linesOf('E')).toEqual(['manufacturing-and-others', 'rubber-products']);
  });

  it('places every code of the taxonomy on some line', () => {
    for (const { code } of [...industryDivisions, ...industryGroups]) {
      expect(smeLines(code).length, code).toBeGreaterThan(0);
    }
  });

  it('refuses an unknown industry code rather than guess', () => {
    for (const code of ['Z', 'I62', 'H44', 'G36', 'G42', 'K71', 'M74', 'N81', 'e19', '']) {
      expect(() => smeLines(code), code).toThrow(RangeError);
    }
  });
});

describe('isSme: each line, just inside and just outside', () => {
  // [industry code, capital limit, employee limit, why]
  const lines = [
    ['E24', 300_000_000, 300, '第1号: manufacturing'],
    ['D', 300_000_000, 300, '第1号: construction'],
    ['H', 300_000_000, 300, '第1号: transport'],
    ['G37', 300_000_000, 300, '第1号: communications'],
    ['G40', 300_000_000, 300, '第1号: services incidental to the internet'],
    ['K68', 300_000_000, 300, '第1号: real estate agencies'],
    ['I53', 100_000_000, 100, '第2号: wholesale'],
    ['L', 50_000_000, 100, '第3号: services'],
    ['G38', 50_000_000, 100, '第3号: broadcasting'],
    ['K70', 50_000_000, 100, '第3号: goods rental'],
    ['N78', 50_000_000, 100, '第3号: laundry, beauty and baths'],
    ['I58', 50_000_000, 50, '第4号: retail'],
    ['M76', 50_000_000, 50, '第4号: eating and drinking places, retail by the law'],
    ['M77', 50_000_000, 50, '第4号: take-out and delivery, retail by the law'],
    ['E19', 300_000_000, 900, '政令: rubber products'],
    ['G39', 300_000_000, 300, '政令: software and information processing'],
    ['M75', 50_000_000, 200, '政令: ryokan'],
  ] as const;

  for (const [industryCode, capitalYen, employees, why] of lines) {
    describe(`${industryCode} (${why}): ¥${capitalYen} or ${employees} employees`, () => {
      it('is an SME exactly at both limits', () => {
        expect(isSme({ industryCode, capitalYen, employees })).toBe(true);
      });

      it('is an SME with capital just over and the workforce at the limit', () => {
        expect(isSme({ industryCode, capitalYen: capitalYen + 1, employees })).toBe(true);
      });

      it('is an SME with the workforce just over and capital at the limit', () => {
        expect(isSme({ industryCode, capitalYen, employees: employees + 1 })).toBe(true);
      });

      it('is not an SME just over both', () => {
        expect(isSme({ industryCode, capitalYen: capitalYen + 1, employees: employees + 1 })).toBe(
          false,
        );
      });
    });
  }

  it('widens the line by 政令 where the 基本法 alone would not count the company', () => {
    const rubber = { capitalYen: 1_000_000_000, employees: 900 };
    expect(isSme({ ...rubber, industryCode: 'E19' })).toBe(true);
    expect(isSme({ ...rubber, industryCode: 'E18' })).toBe(false);
    const software = { capitalYen: 300_000_000, employees: 300 };
    expect(isSme({ ...software, industryCode: 'G39' })).toBe(true);
    expect(isSme({ ...software, industryCode: 'G38' })).toBe(false);
    const ryokan = { capitalYen: 60_000_000, employees: 200 };
    expect(isSme({ ...ryokan, industryCode: 'M75' })).toBe(true);
    expect(isSme({ ...ryokan, industryCode: 'N80' })).toBe(false);
  });
});

describe('isSme: a code that cannot tell the line is judged by the most generous it may be on', () => {
  // [industry code, capital limit, employee limit, the line that decides]
  const coarse = [
    ['I', 100_000_000, 100, 'wholesale, not retail'],
    ['E', 300_000_000, 900, 'rubber products'],
    ['G', 300_000_000, 300, 'communications, software'],
    ['G41', 300_000_000, 300, 'newspapers and publishing'],
    ['K', 300_000_000, 300, 'real estate'],
    ['K69', 300_000_000, 300, 'letting real estate, not parking'],
    ['M', 50_000_000, 200, 'ryokan'],
    ['N79', 300_000_000, 300, 'travel agencies'],
    ['N', 300_000_000, 300, 'travel agencies'],
  ] as const;

  for (const [industryCode, capitalYen, employees, line] of coarse) {
    it(`${industryCode}: ¥${capitalYen} or ${employees} employees (${line})`, () => {
      expect(isSme({ industryCode, capitalYen: capitalYen + 1, employees })).toBe(true);
      expect(isSme({ industryCode, capitalYen, employees: employees + 1 })).toBe(true);
      expect(isSme({ industryCode, capitalYen: capitalYen + 1, employees: employees + 1 })).toBe(
        false,
      );
    });
  }

  it('holds a company that names its group to that group’s line', () => {
    const company = { capitalYen: 80_000_000, employees: 80 };
    expect(isSme({ ...company, industryCode: 'I' })).toBe(true);
    expect(isSme({ ...company, industryCode: 'I52' })).toBe(true);
    expect(isSme({ ...company, industryCode: 'I58' })).toBe(false);
    const large = { capitalYen: 1_000_000_000, employees: 500 };
    expect(isSme({ ...large, industryCode: 'E' })).toBe(true);
    expect(isSme({ ...large, industryCode: 'E24' })).toBe(false);
  });
});
