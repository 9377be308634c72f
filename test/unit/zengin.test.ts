import { describe, expect, it } from 'vitest';
import {
  dataRecord,
  endRecord,
  headerRecord,
  trailerRecord,
  transferFileRecords,
  ZenginLayoutError,
  type ZenginRequester,
  type ZenginTransfer,
} from '../../src/domain/zengin.ts';
import { toZenginKana, unsupportedZenginCharacters } from '../../src/domain/zengin-kana.ts';
import { encodeZenginFile } from '../../src/payments/zengin-file.ts';
import { parseZenginFile } from '../support/zengin.ts';

const office: ZenginRequester = {
  requesterCode: '1234567890',
  requesterName: 'ｼﾞﾑｷﾖｸ(ｷﾞｼﾞﾕﾂｼﾞﾖｳﾎｳｶﾝﾘ)',
  bankCode: '0001',
  bankName: 'ﾐｽﾞﾎ',
  branchCode: '001',
  branchName: 'ﾄｳｷﾖｳ',
  accountType: 'current',
  accountNumber: '0123456',
};

const yamada: ZenginTransfer = {
  bankCode: '0005',
  bankName: 'ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ',
  branchCode: '103',
  branchName: 'ﾁﾖﾀﾞ',
  accountType: 'ordinary',
  accountNumber: '0001234',
  payeeName: 'ﾔﾏﾀﾞ ﾀﾛｳ',
  amountYen: 9_249,
};

const suzuki: ZenginTransfer = {
  bankCode: '9900',
  bankName: 'ﾕｳﾁﾖ',
  branchCode: '108',
  branchName: 'ｲﾁｾﾞﾛﾊﾁ',
  accountType: 'savings',
  accountNumber: '7654321',
  payeeName: 'ｽｽﾞｷ ﾊﾅｺ',
  amountYen: 1_057_060,
};

describe('a 総合振込 file, read back byte by byte', () => {
  const records = transferFileRecords(office, '2026-07-10', [yamada, suzuki]);

  for (const lineBreak of ['crlf', 'none'] as const) {
    it(`lays out header, data, trailer and end records (${lineBreak})`, () => {
      const bytes = encodeZenginFile(records, { lineBreak });
      expect(bytes.length).toBe(5 * (lineBreak === 'crlf' ? 122 : 120));
      const [header, first, second, trailer, end, ...rest] = parseZenginFile(bytes, lineBreak);
      expect(rest).toEqual([]);

      expect(header).toEqual({
        データ区分: '1',
        種別コード: '21',
        コード区分: '0',
        依頼人コード: '1234567890',
        依頼人名: 'ｼﾞﾑｷﾖｸ(ｷﾞｼﾞﾕﾂｼﾞﾖｳﾎｳｶﾝﾘ)'.padEnd(40),
        取組日: '0710',
        仕向銀行番号: '0001',
        仕向銀行名: 'ﾐｽﾞﾎ'.padEnd(15),
        仕向支店番号: '001',
        仕向支店名: 'ﾄｳｷﾖｳ'.padEnd(15),
        預金種目: '2',
        口座番号: '0123456',
        ダミー: ' '.repeat(17),
      });

      expect(first).toEqual({
        データ区分: '2',
        被仕向銀行番号: '0005',
        被仕向銀行名: 'ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ  ',
        被仕向支店番号: '103',
        被仕向支店名: 'ﾁﾖﾀﾞ'.padEnd(15),
        手形交換所番号: '    ',
        預金種目: '1',
        口座番号: '0001234',
        受取人名: 'ﾔﾏﾀﾞ ﾀﾛｳ'.padEnd(30),
        振込金額: '0000009249',
        新規コード: '0',
        顧客コード1: ' '.repeat(10),
        顧客コード2: ' '.repeat(10),
        振込指定区分: '7',
        識別表示: ' ',
        ダミー: ' '.repeat(7),
      });
      expect(second).toMatchObject({
        被仕向銀行番号: '9900',
        被仕向支店番号: '108',
        預金種目: '4',
        口座番号: '7654321',
        受取人名: 'ｽｽﾞｷ ﾊﾅｺ'.padEnd(30),
        振込金額: '0001057060',
      });

      expect(trailer).toEqual({
        データ区分: '8',
        合計件数: '000002',
        合計金額: '000001066309',
        ダミー: ' '.repeat(101),
      });
      // The trailer agrees with the data records it closes.
      const data = [first, second];
      expect(Number(trailer?.合計件数)).toBe(data.length);
      expect(Number(trailer?.合計金額)).toBe(data.reduce((s, r) => s + Number(r?.振込金額), 0));

      expect(end).toEqual({ データ区分: '9', ダミー: ' '.repeat(119) });
    });
  }

  it('writes half-width katakana as the single JIS X 0201 bytes', () => {
    const bytes = encodeZenginFile(records);
    const data = bytes.subarray(122, 244);
    // 受取人名 starts at byte 51 (offset 50): ﾔ ﾏ ﾀ ﾞ space ﾀ ﾛ ｳ
    expect([...data.subarray(50, 58)]).toEqual([0xd4, 0xcf, 0xc0, 0xde, 0x20, 0xc0, 0xdb, 0xb3]);
    expect([...data.subarray(58, 80)]).toEqual(Array(22).fill(0x20));
  });

  it('gives the same bytes for the same payments', () => {
    const again = transferFileRecords(office, '2026-07-10', [{ ...yamada }, { ...suzuki }]);
    expect(encodeZenginFile(again)).toEqual(encodeZenginFile(records));
  });
});

describe('record layout', () => {
  it('makes every record 120 characters', () => {
    expect(headerRecord(office, '2026-07-10')).toHaveLength(120);
    expect(dataRecord(yamada)).toHaveLength(120);
    expect(trailerRecord([yamada])).toHaveLength(120);
    expect(endRecord()).toHaveLength(120);
  });

  it('zero-pads an account number shorter than 7 digits', () => {
    expect(dataRecord({ ...yamada, accountNumber: '1234' }).slice(43, 50)).toBe('0001234');
  });

  it('cuts a bank or branch name to its 15 columns, and allows none', () => {
    const record = dataRecord({
      ...yamada,
      branchName: 'ｶｸﾃｲｷﾖｼﾕﾂﾈﾝｷﾝｼﾃﾝ',
      bankName: '',
    });
    expect(record.slice(5, 20)).toBe(' '.repeat(15));
    expect(record.slice(23, 38)).toBe('ｶｸﾃｲｷﾖｼﾕﾂﾈﾝｷﾝｼﾃ');
  });

  it('refuses a payee name with characters the file cannot carry, naming them', () => {
    expect(() => dataRecord({ ...yamada, payeeName: '山田 太郎' })).toThrow(ZenginLayoutError);
    expect(() => dataRecord({ ...yamada, payeeName: 'ヤマダ タロウ' })).toThrow(
      /受取人名: characters a 全銀 file cannot carry: "ヤ", "マ", "ダ", "タ", "ロ", "ウ"/,
    );
    expect(() => dataRecord({ ...yamada, payeeName: 'ｼﾖｳ ｯ' })).toThrow(/"ｯ"/);
    expect(() => dataRecord({ ...yamada, payeeName: 'yamada' })).toThrow(/"y"/);
  });

  it('refuses a payee name longer than 30 columns, and an empty one', () => {
    expect(() => dataRecord({ ...yamada, payeeName: 'ﾀ'.repeat(30) })).not.toThrow();
    expect(() => dataRecord({ ...yamada, payeeName: 'ﾀ'.repeat(31) })).toThrow(/at most 30/);
    expect(() => dataRecord({ ...yamada, payeeName: '  ' })).toThrow(/受取人名: required/);
  });

  it('refuses amounts that are not 1 to 9,999,999,999 whole yen', () => {
    for (const amountYen of [0, -1, 1.5, 10_000_000_000, Number.NaN]) {
      expect(() => dataRecord({ ...yamada, amountYen }), String(amountYen)).toThrow(/振込金額/);
    }
    expect(dataRecord({ ...yamada, amountYen: 9_999_999_999 }).slice(80, 90)).toBe('9999999999');
  });

  it('refuses codes of the wrong length rather than pad them', () => {
    expect(() => dataRecord({ ...yamada, bankCode: '5' })).toThrow(/被仕向銀行番号: exactly 4/);
    expect(() => dataRecord({ ...yamada, branchCode: '1030' })).toThrow(/被仕向支店番号/);
    expect(() => dataRecord({ ...yamada, accountNumber: '12345678' })).toThrow(/口座番号/);
    expect(() => dataRecord({ ...yamada, accountNumber: '12-345' })).toThrow(/digits only/);
    expect(() => headerRecord({ ...office, requesterCode: '12345' }, '2026-07-10')).toThrow(
      /依頼人コード/,
    );
  });

  it('refuses a transfer date that is not a date', () => {
    expect(() => headerRecord(office, '2026-02-30')).toThrow(/取組日/);
    expect(() => headerRecord(office, '0710')).toThrow(/取組日/);
  });

  it('refuses a file with no transfers', () => {
    expect(() => transferFileRecords(office, '2026-07-10', [])).toThrow(/at least one/);
  });

  it('refuses a total that does not fit the trailer', () => {
    const many = Array(101).fill({ ...yamada, amountYen: 9_999_999_999 });
    expect(() => trailerRecord(many)).toThrow(/合計金額/);
  });
});

describe('encodeZenginFile', () => {
  it('refuses a record that would not be 120 single bytes', () => {
    const record = dataRecord(yamada);
    expect(() => encodeZenginFile([record.slice(0, 119)])).toThrow(/record 1/);
    // A full-width character is two bytes; an accented letter has no Shift_JIS byte at all.
    expect(() => encodeZenginFile([`${record.slice(0, 119)}ア`])).toThrow(/record 1/);
    expect(() => encodeZenginFile([record, `${record.slice(0, 119)}é`])).toThrow(/record 2/);
  });
});

describe('toZenginKana', () => {
  it('writes katakana and hiragana names in half-width katakana', () => {
    expect(toZenginKana('ヤマダ タロウ')).toBe('ﾔﾏﾀﾞ ﾀﾛｳ');
    expect(toZenginKana('やまだ　たろう')).toBe('ﾔﾏﾀﾞ ﾀﾛｳ');
    expect(toZenginKana('パク ヴィクトル')).toBe('ﾊﾟｸ ｳﾞｲｸﾄﾙ');
  });

  it('writes small kana large, as 全銀 names do', () => {
    expect(toZenginKana('キュウヨ イチロウ')).toBe('ｷﾕｳﾖ ｲﾁﾛｳ');
    expect(toZenginKana('ガッコウ')).toBe('ｶﾞﾂｺｳ');
    expect(toZenginKana('しょうじ')).toBe('ｼﾖｳｼﾞ');
    expect(toZenginKana('ｼｮｳｼﾞ')).toBe('ｼﾖｳｼﾞ');
    expect(toZenginKana('ヶ')).toBe('ｹ');
  });

  it('folds full-width letters, digits and symbols, upper-cases letters, hyphens long vowels', () => {
    expect(toZenginKana('カ）ＡＢＣシステム１２３')).toBe('ｶ)ABCｼｽﾃﾑ123');
    expect(toZenginKana('smith john')).toBe('SMITH JOHN');
    expect(toZenginKana('スーパー')).toBe('ｽ-ﾊﾟ-');
    expect(toZenginKana('ｽｰﾊﾟｰ')).toBe('ｽ-ﾊﾟ-');
    expect(toZenginKana('ミツビシユ－エフジエイ')).toBe('ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ');
  });

  it('collapses and trims spaces', () => {
    expect(toZenginKana('  ヤマダ 　 タロウ ')).toBe('ﾔﾏﾀﾞ ﾀﾛｳ');
  });

  it('gives back a name already in 全銀 form unchanged', () => {
    for (const name of ['ﾔﾏﾀﾞ ﾀﾛｳ', 'ｶ)ABC-123', 'ﾊﾟｸ ｳﾞｲｸﾄﾙ']) {
      expect(toZenginKana(name)).toBe(name);
    }
  });

  it('leaves what has no 全銀 form for unsupportedZenginCharacters to name', () => {
    expect(unsupportedZenginCharacters(toZenginKana('山田 太郎'))).toEqual([
      '山',
      '田',
      '太',
      '郎',
    ]);
    expect(unsupportedZenginCharacters(toZenginKana('ヲノ'))).toEqual(['ヲ']);
    expect(unsupportedZenginCharacters(toZenginKana('ｦﾉ'))).toEqual(['ヲ']);
    expect(unsupportedZenginCharacters(toZenginKana('ヤマダ・タロウ'))).toEqual(['・']);
    expect(unsupportedZenginCharacters(toZenginKana('ﾔﾏﾀﾞ\nﾀﾛｳ'))).toEqual(['\n']);
    expect(unsupportedZenginCharacters(toZenginKana('ABC,\\｢｣'))).toEqual([',', '\\', '「', '」']);
    expect(unsupportedZenginCharacters('ﾔﾏﾀﾞ ﾀﾛｳ (ABC-1.2/3)')).toEqual([]);
  });
});
