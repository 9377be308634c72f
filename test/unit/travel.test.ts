import { describe, expect, it } from 'vitest';
import { DEFAULT_FEE_RATES, type FeeRates } from '../../src/domain/fees.ts';
import {
  MAX_RECEIPT_BYTES,
  MAX_TRAVEL_LEGS,
  receiptProblem,
  TRAVEL_MODES,
  type TravelClaim,
  travelApprovalProblem,
  travelClaimNotAllowed,
  travelClaimProblems,
  travelClaimTotalYen,
  travelModeLabels,
} from '../../src/domain/travel.ts';

const rates: FeeRates = { ...DEFAULT_FEE_RATES, dailyAllowanceYen: 2_200, lodgingCapYen: 10_900 };

const claim = (over: Partial<TravelClaim> = {}): TravelClaim => ({
  legs: [
    { from: '東京', to: '浜松', mode: 'train', amountYen: 8_910 },
    { from: '浜松駅', to: '株式会社サンプル', mode: 'taxi', amountYen: 1_820 },
    { from: '浜松', to: '東京', mode: 'train', amountYen: 8_910 },
  ],
  allowanceYen: 2_200,
  lodgingYen: 0,
  ...over,
});

describe('travelClaimTotalYen', () => {
  it('adds the legs, the allowance and lodging', () => {
    expect(travelClaimTotalYen(claim())).toBe(8_910 + 1_820 + 8_910 + 2_200);
    expect(travelClaimTotalYen(claim({ lodgingYen: 9_800 }))).toBe(31_640);
  });
});

describe('travelClaimNotAllowed', () => {
  it('allows a completed on-site visit', () => {
    expect(travelClaimNotAllowed({ format: 'onsite', status: 'completed' })).toBeNull();
  });

  it('refuses an online visit, saying why', () => {
    expect(travelClaimNotAllowed({ format: 'online', status: 'completed' })).toMatch(/on-site/);
  });

  it('refuses a visit that has not been completed', () => {
    for (const status of ['confirmed', 'cancelled', 'no_show']) {
      expect(travelClaimNotAllowed({ format: 'onsite', status }), status).toMatch(/completed/);
    }
  });
});

describe('travelClaimProblems', () => {
  it('accepts a claim within the year’s allowance and lodging cap', () => {
    expect(travelClaimProblems(claim({ lodgingYen: 10_900 }), rates)).toEqual([]);
  });

  it('refuses allowance and lodging when the year sets none (the default)', () => {
    expect(
      travelClaimProblems(claim({ allowanceYen: 1, lodgingYen: 1 }), DEFAULT_FEE_RATES).map(
        (p) => p.field,
      ),
    ).toEqual(['allowanceYen', 'lodgingYen']);
    expect(
      travelClaimProblems(claim({ allowanceYen: 0, lodgingYen: 0 }), DEFAULT_FEE_RATES),
    ).toEqual([]);
  });

  it('refuses lodging over the cap, by one yen', () => {
    expect(travelClaimProblems(claim({ lodgingYen: 10_901 }), rates)).toEqual([
      { field: 'lodgingYen', message: 'Lodging is at most ¥10,900 a claim' },
    ]);
  });

  it('refuses an allowance over the daily allowance, by one yen', () => {
    expect(travelClaimProblems(claim({ allowanceYen: 2_201 }), rates)).toEqual([
      { field: 'allowanceYen', message: 'The daily allowance is at most ¥2,200' },
    ]);
  });

  it("shares one day's allowance between the expert's claims for that day", () => {
    expect(travelClaimProblems(claim({ allowanceYen: 1_200 }), rates, 1_000)).toEqual([]);
    expect(travelClaimProblems(claim({ allowanceYen: 1_201 }), rates, 1_000)).toEqual([
      {
        field: 'allowanceYen',
        message: 'The daily allowance is ¥2,200 a day, ¥1,000 of it already claimed that day',
      },
    ]);
    expect(travelClaimProblems(claim({ allowanceYen: 0 }), rates, 2_200)).toEqual([]);
  });

  it('needs at least one leg and at most the limit', () => {
    expect(travelClaimProblems(claim({ legs: [] }), rates)).toEqual([
      { field: 'legs', message: 'A claim has at least one leg' },
    ]);
    const leg = { from: 'A', to: 'B', mode: 'bus' as const, amountYen: 220 };
    expect(travelClaimProblems(claim({ legs: Array(MAX_TRAVEL_LEGS).fill(leg) }), rates)).toEqual(
      [],
    );
    expect(
      travelClaimProblems(claim({ legs: Array(MAX_TRAVEL_LEGS + 1).fill(leg) }), rates),
    ).toEqual([{ field: 'legs', message: `A claim has at most ${MAX_TRAVEL_LEGS} legs` }]);
  });
});

describe('travelApprovalProblem', () => {
  it('approves the claim as it is without a reason', () => {
    expect(travelApprovalProblem(21_840, 21_840, undefined)).toBeNull();
  });

  it('needs a reason to adjust, and takes one', () => {
    expect(travelApprovalProblem(21_840, 19_640, undefined)).toMatch(/reason/);
    expect(travelApprovalProblem(21_840, 19_640, '  ')).toMatch(/reason/);
    expect(travelApprovalProblem(21_840, 19_640, 'Taxi not on the ordinary route')).toBeNull();
    expect(travelApprovalProblem(21_840, 0, 'No receipts')).toBeNull();
  });

  it('never approves more than was claimed', () => {
    expect(travelApprovalProblem(21_840, 21_841, 'Forgot the bus')).toMatch(/exceed/);
  });
});

describe('travel modes', () => {
  it('label every mode in Japanese and English', () => {
    expect(TRAVEL_MODES).toEqual(['train', 'bus', 'air', 'taxi', 'car', 'other']);
    expect(travelModeLabels.train).toEqual({ ja: '鉄道', en: 'train' });
    for (const mode of TRAVEL_MODES) {
      expect(travelModeLabels[mode].ja, mode).not.toBe('');
      expect(travelModeLabels[mode].en, mode).not.toBe('');
    }
  });
});

describe('receiptProblem', () => {
  const bytes = (...head: number[]) => new Uint8Array([...head, 0x00, 0x01, 0x02]);
  const pdf = bytes(...Buffer.from('%PDF-1.7\n'));
  const jpeg = bytes(0xff, 0xd8, 0xff, 0xe0);
  const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  const exe = bytes(0x4d, 0x5a, 0x90, 0x00); // "MZ": a Windows executable

  it('accepts a PDF, a JPEG and a PNG that are what they say', () => {
    expect(receiptProblem('application/pdf', pdf)).toBeNull();
    expect(receiptProblem('image/jpeg', jpeg)).toBeNull();
    expect(receiptProblem('image/png', png)).toBeNull();
    expect(receiptProblem('Image/PNG; charset=binary', png)).toBeNull();
  });

  it('refuses a renamed executable declared as a PDF', () => {
    expect(receiptProblem('application/pdf', exe)).toBe('The file is not a PDF as declared');
  });

  it('refuses a file of one allowed type declared as another', () => {
    expect(receiptProblem('application/pdf', png)).toBe('The file is not a PDF as declared');
    expect(receiptProblem('image/png', jpeg)).toBe('The file is not a PNG as declared');
    expect(receiptProblem('image/jpeg', pdf)).toBe('The file is not a JPEG as declared');
  });

  it('refuses a truncated signature', () => {
    expect(receiptProblem('image/png', new Uint8Array([0x89, 0x50, 0x4e]))).toMatch(/not a PNG/);
  });

  it('refuses other types, whatever the bytes', () => {
    expect(receiptProblem('image/gif', bytes(...Buffer.from('GIF89a')))).toMatch(
      /PDF, JPEG or PNG/,
    );
    expect(receiptProblem('application/octet-stream', pdf)).toMatch(/PDF, JPEG or PNG/);
    expect(receiptProblem('', pdf)).toMatch(/PDF, JPEG or PNG/);
  });

  it('takes 5 MiB and refuses a byte more, and refuses an empty file', () => {
    const atLimit = new Uint8Array(MAX_RECEIPT_BYTES);
    atLimit.set(png);
    expect(receiptProblem('image/png', atLimit)).toBeNull();
    const over = new Uint8Array(MAX_RECEIPT_BYTES + 1);
    over.set(png);
    expect(receiptProblem('image/png', over)).toBe('A receipt is at most 5 MB');
    expect(receiptProblem('image/png', new Uint8Array(0))).toBe('The receipt is empty');
  });
});
