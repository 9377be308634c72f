import { describe, expect, it } from 'vitest';
import { csvField } from '../../src/domain/report.ts';

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("https://evil.example")', `'=HYPERLINK("https://evil.example")`],
    ['+81', `'+81`],
    ['-1+2', `'-1+2`],
    ['@SUM(A1)', `'@SUM(A1)`],
    // Japanese Excel reads the full-width forms, typed with the IME on, as the ASCII ones.
    ['＝HYPERLINK("https://evil.example")', `'＝HYPERLINK("https://evil.example")`],
    ['＋８１', `'＋８１`],
    ['－１＋２', `'－１＋２`],
    ['＠SUM(A1)', `'＠SUM(A1)`],
  ])('defuses a cell starting a formula: %s', (value, cell) => {
    expect(csvField(value).replace(/^"|"$/g, '').replace(/""/g, '"')).toBe(cell);
  });

  it('leaves other text and numbers alone, quoting what RFC 4180 quotes', () => {
    expect(csvField('株式会社＝テスト')).toBe('株式会社＝テスト');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
  });
});
