// The characters a 全銀 transfer file may carry in its text fields, and the conversion of
// names as people type them (full-width katakana, hiragana, lower-case letters) into them.
//
// 全銀協 defines digits, upper-case A–Z, half-width katakana ｱ–ﾝ with ﾞ and ﾟ, the space and
// a few symbols. We accept only the symbols every bank takes in a name, `( ) - . /`: the
// standard's other symbols (`\ , ｢ ｣`) are refused by some banks in 受取人名, and no field we
// write needs them. Small kana (ｧ ｨ ｩ ｪ ｫ ｯ ｬ ｭ ｮ) are not in the set: by the standard's rule
// they are written large (ショウ → ｼﾖｳ, as the banks themselves print names). ｦ is not in it
// either, nor the long-vowel mark ｰ, which names write as a hyphen (as zengin-code's bank
// names do). Every accepted character is one byte in Shift_JIS, so a field's width in bytes
// is its length in characters.

const halfKana = 'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ';
const zenginCharacters = new Set(`0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ${halfKana} ()-./`);

const fullKana =
  'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン';
const smallKana = 'ァィゥェォッャュョヮヵヶ';
const smallKanaWrittenLarge = 'ｱｲｳｴｵﾂﾔﾕﾖﾜｶｹ';

const toHalf = new Map<string, string>([
  ...[...fullKana].map((c, i) => [c, halfKana[i] as string] as const),
  ...[...smallKana].map((c, i) => [c, smallKanaWrittenLarge[i] as string] as const),
  // NFKD leaves voiced kana as base + combining mark.
  ['\u3099', 'ﾞ'],
  ['\u309A', 'ﾟ'],
  // Long-vowel marks and dashes people type for the hyphen.
  ['ー', '-'],
  ['‐', '-'],
  ['‑', '-'],
  ['–', '-'],
  ['—', '-'],
  ['−', '-'],
]);

const hiraganaFirst = 0x3041;
const hiraganaLast = 0x3096;
const hiraganaToKatakana = 0x60;

/**
 * A name as 全銀 writes it: width folded (full-width letters and digits, half-width kana),
 * hiragana as katakana, letters upper-case, kana half-width with small kana written large,
 * long-vowel marks as hyphens, runs of spaces collapsed and ends trimmed. Characters with no such form
 * (kanji, ヲ, ・, …) are left as they are for `unsupportedZenginCharacters` to name.
 */
export function toZenginKana(text: string): string {
  let out = '';
  for (const c of text.normalize('NFKD')) {
    const code = c.codePointAt(0) as number;
    const kana =
      code >= hiraganaFirst && code <= hiraganaLast
        ? String.fromCodePoint(code + hiraganaToKatakana)
        : c;
    out += toHalf.get(kana) ?? (/[a-z]/.test(kana) ? kana.toUpperCase() : kana);
  }
  return out.replace(/ +/g, ' ').trim();
}

/** The distinct characters of `text` that a 全銀 text field may not carry, in order. */
export function unsupportedZenginCharacters(text: string): string[] {
  return [...new Set([...text].filter((c) => !zenginCharacters.has(c)))];
}
