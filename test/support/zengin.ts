import iconv from 'iconv-lite';
import { expect } from 'vitest';

// A reader of 全銀 総合振込 files written from the standard's layout, independently of the code
// under test: it cuts the Shift_JIS bytes into records and each record into its fields by byte
// offset, so a field one byte off, a two-byte character or a wrong total fails.

const layouts: Record<string, readonly (readonly [string, number])[]> = {
  '1': [
    ['データ区分', 1],
    ['種別コード', 2],
    ['コード区分', 1],
    ['依頼人コード', 10],
    ['依頼人名', 40],
    ['取組日', 4],
    ['仕向銀行番号', 4],
    ['仕向銀行名', 15],
    ['仕向支店番号', 3],
    ['仕向支店名', 15],
    ['預金種目', 1],
    ['口座番号', 7],
    ['ダミー', 17],
  ],
  '2': [
    ['データ区分', 1],
    ['被仕向銀行番号', 4],
    ['被仕向銀行名', 15],
    ['被仕向支店番号', 3],
    ['被仕向支店名', 15],
    ['手形交換所番号', 4],
    ['預金種目', 1],
    ['口座番号', 7],
    ['受取人名', 30],
    ['振込金額', 10],
    ['新規コード', 1],
    ['顧客コード1', 10],
    ['顧客コード2', 10],
    ['振込指定区分', 1],
    ['識別表示', 1],
    ['ダミー', 7],
  ],
  '8': [
    ['データ区分', 1],
    ['合計件数', 6],
    ['合計金額', 12],
    ['ダミー', 101],
  ],
  '9': [
    ['データ区分', 1],
    ['ダミー', 119],
  ],
};

export type Parsed = Record<string, string>;

export function parseZenginFile(bytes: Uint8Array, lineBreak: 'crlf' | 'none'): Parsed[] {
  const stride = lineBreak === 'crlf' ? 122 : 120;
  expect(bytes.length % stride, 'file length is whole records').toBe(0);
  const records: Parsed[] = [];
  for (let at = 0; at < bytes.length; at += stride) {
    const raw = bytes.subarray(at, at + 120);
    if (lineBreak === 'crlf') expect([...bytes.subarray(at + 120, at + 122)]).toEqual([0x0d, 0x0a]);
    // Every byte is a character of its own: ASCII or JIS X 0201 half-width katakana, no lead
    // byte of a two-byte Shift_JIS character, no control character.
    for (const byte of raw) {
      const single = (byte >= 0x20 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xdf);
      expect(single, `byte 0x${byte.toString(16)} at ${at}`).toBe(true);
    }
    const kind = String.fromCharCode(raw[0] as number);
    const layout = layouts[kind];
    if (!layout) throw new Error(`unknown データ区分 ${kind}`);
    expect(layout.reduce((sum, [, width]) => sum + width, 0)).toBe(120);
    const fields: Parsed = {};
    let offset = 0;
    for (const [name, width] of layout) {
      fields[name] = iconv.decode(Buffer.from(raw.subarray(offset, offset + width)), 'Shift_JIS');
      offset += width;
    }
    records.push(fields);
  }
  return records;
}
