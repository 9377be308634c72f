import { describe, expect, it } from 'vitest';
import { isSme, smeSector } from '../../src/domain/sme.ts';

describe('smeSector', () => {
  it('places each division under its 中小企業基本法 sector', () => {
    expect(smeSector('E')).toBe('manufacturing-and-others');
    expect(smeSector('E24')).toBe('manufacturing-and-others');
    expect(smeSector('D')).toBe('manufacturing-and-others');
    expect(smeSector('H')).toBe('manufacturing-and-others');
    expect(smeSector('J')).toBe('manufacturing-and-others');
    expect(smeSector('I')).toBe('wholesale');
    for (const code of ['I50', 'I52', 'I55']) expect(smeSector(code), code).toBe('wholesale');
    for (const code of ['I56', 'I58', 'I61']) expect(smeSector(code), code).toBe('retail');
    for (const code of ['G', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R']) {
      expect(smeSector(code), code).toBe('services');
    }
  });

  it('refuses an unknown industry code rather than guess', () => {
    expect(() => smeSector('Z')).toThrow(RangeError);
    expect(() => smeSector('I62')).toThrow(RangeError);
    expect(() => smeSector('H44')).toThrow(RangeError);
  });
});

describe('isSme', () => {
  // [industry code, capital limit, employee limit] for each sector.
  const sectors = [
    ['E', 300_000_000, 300],
    ['D', 300_000_000, 300],
    ['I', 100_000_000, 100],
    ['I53', 100_000_000, 100],
    ['I58', 50_000_000, 50],
    ['L', 50_000_000, 100],
  ] as const;

  for (const [industryCode, capitalYen, employees] of sectors) {
    describe(`${industryCode} (¥${capitalYen} / ${employees})`, () => {
      it('is an SME exactly at both limits', () => {
        expect(isSme({ industryCode, capitalYen, employees })).toBe(true);
      });

      it('is not an SME one over both limits', () => {
        expect(isSme({ industryCode, capitalYen: capitalYen + 1, employees: employees + 1 })).toBe(
          false,
        );
      });

      it('is an SME over one limit but within the other', () => {
        expect(isSme({ industryCode, capitalYen: capitalYen + 1, employees })).toBe(true);
        expect(isSme({ industryCode, capitalYen, employees: employees + 1 })).toBe(true);
      });
    });
  }

  it('holds a large wholesaler to wholesale limits, not manufacturing ones', () => {
    expect(isSme({ industryCode: 'I', capitalYen: 200_000_000, employees: 200 })).toBe(false);
    expect(isSme({ industryCode: 'E', capitalYen: 200_000_000, employees: 200 })).toBe(true);
  });

  it('holds a retailer to ¥50m / 50 and a wholesaler to ¥100m / 100 (JSIC I56–I61 / I50–I55)', () => {
    const company = { capitalYen: 80_000_000, employees: 80 };
    expect(isSme({ ...company, industryCode: 'I58' })).toBe(false);
    expect(isSme({ ...company, industryCode: 'I52' })).toBe(true);
    // Division I alone is read as wholesale, the more generous line.
    expect(isSme({ ...company, industryCode: 'I' })).toBe(true);
  });

  it('holds a service company to ¥50m but 100 employees', () => {
    expect(isSme({ industryCode: 'N', capitalYen: 60_000_000, employees: 100 })).toBe(true);
    expect(isSme({ industryCode: 'N', capitalYen: 60_000_000, employees: 101 })).toBe(false);
    expect(isSme({ industryCode: 'N', capitalYen: 50_000_000, employees: 5000 })).toBe(true);
  });
});
