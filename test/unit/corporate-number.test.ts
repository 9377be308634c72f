import { describe, expect, it } from 'vitest';
import {
  corporateNumberCheckDigit,
  isValidCorporateNumber,
} from '../../src/domain/corporate-number.ts';

const valid = ['7000012050002', '4011001098993', '2120901007402'];

describe('corporate number', () => {
  it('accepts real corporate numbers', () => {
    for (const n of valid) expect(isValidCorporateNumber(n), n).toBe(true);
  });

  it('computes the check digit from the 12-digit body', () => {
    for (const n of valid) expect(corporateNumberCheckDigit(n.slice(1))).toBe(Number(n[0]));
  });

  it('rejects every wrong check digit', () => {
    for (const n of valid) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === n[0]) continue;
        expect(isValidCorporateNumber(`${d}${n.slice(1)}`), `${d}${n.slice(1)}`).toBe(false);
      }
    }
  });

  it('rejects a transposed or mistyped body digit', () => {
    expect(isValidCorporateNumber('7000012050020')).toBe(false);
    expect(isValidCorporateNumber('4011001098994')).toBe(false);
  });

  it('gives 9, never 0, when the sum is a multiple of 9', () => {
    expect(corporateNumberCheckDigit('000000000000')).toBe(9);
    expect(isValidCorporateNumber('9000000000000')).toBe(true);
  });

  it('rejects anything but 13 ASCII digits', () => {
    for (const s of [
      '700001205000',
      '70000120500021',
      '700001205000a',
      '7000-12050002',
      '',
      ' 7000012050002',
      '７００００１２０５０００２',
    ]) {
      expect(isValidCorporateNumber(s), s).toBe(false);
    }
    expect(() => corporateNumberCheckDigit('00001205000')).toThrow(RangeError);
    expect(() => corporateNumberCheckDigit('00001205000x')).toThrow(RangeError);
  });
});
