import { describe, expect, it } from 'vitest';
import { characterCount, isMultiLineText, isSingleLineText } from '../../src/domain/text.ts';

describe('isSingleLineText', () => {
  it('accepts any printable text, Japanese and full-width included', () => {
    expect(isSingleLineText('TIM-2021-0042　第１号 😀')).toBe(true);
    expect(isSingleLineText('')).toBe(true);
  });

  it('refuses every control character, line breaks first', () => {
    for (const bad of [
      '\n',
      '\r',
      '\t',
      '\u0000',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u2028',
      '\u2029',
      '\u202e',
      '\u2067',
    ]) {
      expect(isSingleLineText(`a${bad}b`), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('isMultiLineText', () => {
  it('accepts LF line breaks', () => {
    expect(isMultiLineText('一行目\n二行目\n\n四行目\n')).toBe(true);
  });

  it('refuses CR, CRLF, tabs and other control characters', () => {
    for (const bad of ['\r\n', '\r', '\t', '\u0000', '\u007f', '\u0085', '\u2028', '\u2029']) {
      expect(isMultiLineText(`a${bad}b`), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('characterCount', () => {
  it('counts code points, so a character outside the BMP is one', () => {
    expect(characterCount('技術情報')).toBe(4);
    expect(characterCount('😀😀')).toBe(2);
    expect('😀😀'.length).toBe(4);
  });
});
