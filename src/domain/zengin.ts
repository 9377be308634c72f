import { isLocalDate, type LocalDate } from './time.ts';
import { unsupportedZenginCharacters } from './zengin-kana.ts';

// The records of a 全銀協 総合振込 file (種別コード 21), as strings of characters that are one
// byte each in Shift_JIS, so each record is 120 characters here and 120 bytes once encoded
// (src/payments/zengin-file.ts encodes, and chooses the line break).
//
// Layout (全銀協規定形式, positions counted from 1; N = digits right-aligned and zero-padded,
// C = text left-aligned and space-padded):
//   header  1 データ区分 N1 "1" · 2 種別コード N2 "21" · 4 コード区分 N1 "0" (JIS/Shift_JIS) ·
//           5 依頼人コード N10 (the bank's 委託者コード) · 15 依頼人名 C40 · 55 取組日 N4 MMDD ·
//           59 仕向銀行番号 N4 · 63 仕向銀行名 C15 · 78 仕向支店番号 N3 · 81 仕向支店名 C15 ·
//           96 預金種目 N1 · 97 口座番号 N7 · 104 ダミー C17
//   data    1 データ区分 N1 "2" · 2 被仕向銀行番号 N4 · 6 被仕向銀行名 C15 · 21 被仕向支店番号 N3 ·
//           24 被仕向支店名 C15 · 39 手形交換所番号 N4 (unused: spaces) · 43 預金種目 N1 ·
//           44 口座番号 N7 · 51 受取人名 C30 · 81 振込金額 N10 · 91 新規コード N1 "0" (その他) ·
//           92 顧客コード1 N10 · 102 顧客コード2 N10 (both unused: spaces) · 112 振込指定区分
//           N1 "7" (テレ振込) · 113 識別表示 C1 (space: no EDI) · 114 ダミー C7
//   trailer 1 データ区分 N1 "8" · 2 合計件数 N6 · 8 合計金額 N12 · 20 ダミー C101
//   end     1 データ区分 N1 "9" · 2 ダミー C119
//
// Bank and branch names are informational (banks route by code; several call them 参考値), so
// names longer than their 15 columns are cut; every other field refuses a value that does not
// fit rather than change what is paid or to whom.

export const ZENGIN_RECORD_LENGTH = 120;
export const ZENGIN_PAYEE_NAME_WIDTH = 30;
export const ZENGIN_REQUESTER_NAME_WIDTH = 40;
const bankNameWidth = 15;
const maxAmountYen = 9_999_999_999;

/** 預金種目: 普通, 当座, 貯蓄 (the standard's 9 その他 is not an account an expert is paid into). */
export const ZENGIN_ACCOUNT_TYPES = ['ordinary', 'current', 'savings'] as const;
export type ZenginAccountType = (typeof ZENGIN_ACCOUNT_TYPES)[number];

const accountTypeCodes: Record<ZenginAccountType, string> = {
  ordinary: '1',
  current: '2',
  savings: '4',
};

/** An account at a bank branch, with the names as the file writes them (half-width kana). */
export type ZenginAccount = {
  bankCode: string;
  bankName: string;
  branchCode: string;
  branchName: string;
  accountType: ZenginAccountType;
  accountNumber: string;
};

/** The paying organisation: its bank's requester code, its name, and the account paid from. */
export type ZenginRequester = ZenginAccount & { requesterCode: string; requesterName: string };

export type ZenginTransfer = ZenginAccount & { payeeName: string; amountYen: number };

export class ZenginLayoutError extends Error {
  override name = 'ZenginLayoutError';
}

function digits(value: string | number, width: number, field: string): string {
  const s = String(value);
  if (!/^[0-9]+$/.test(s)) throw new ZenginLayoutError(`${field}: digits only, got "${s}"`);
  if (s.length > width) {
    throw new ZenginLayoutError(`${field}: at most ${width} digits, got "${s}"`);
  }
  return s.padStart(width, '0');
}

function text(value: string, width: number, field: string): string {
  if (value.trim() === '') throw new ZenginLayoutError(`${field}: required`);
  return optionalText(value, width, field);
}

function optionalText(value: string, width: number, field: string): string {
  const unsupported = unsupportedZenginCharacters(value);
  if (unsupported.length > 0) {
    throw new ZenginLayoutError(
      `${field}: characters a 全銀 file cannot carry: ${unsupported.map((c) => JSON.stringify(c)).join(', ')} (half-width katakana, digits, A–Z, space and ( ) - . / only)`,
    );
  }
  if (value.length > width) {
    throw new ZenginLayoutError(`${field}: at most ${width} characters, got ${value.length}`);
  }
  return value.padEnd(width, ' ');
}

function bankName(value: string, field: string): string {
  return optionalText(value.slice(0, bankNameWidth), bankNameWidth, field);
}

function code(value: string, width: number, field: string): string {
  if (value.length !== width) {
    throw new ZenginLayoutError(`${field}: exactly ${width} digits, got "${value}"`);
  }
  return digits(value, width, field);
}

function amount(yen: number, field: string): string {
  if (!Number.isSafeInteger(yen) || yen < 1 || yen > maxAmountYen) {
    throw new ZenginLayoutError(
      `${field}: a whole number of yen from 1 to ${maxAmountYen}, got ${yen}`,
    );
  }
  return digits(yen, 10, field);
}

function blank(width: number): string {
  return ' '.repeat(width);
}

function transferDate(date: LocalDate): string {
  if (!isLocalDate(date)) throw new ZenginLayoutError(`取組日: a date YYYY-MM-DD, got "${date}"`);
  return date.slice(5, 7) + date.slice(8, 10);
}

function record(fields: string[]): string {
  const line = fields.join('');
  // The fields above are sized to the layout; this guards the sizes, not the input.
  if (line.length !== ZENGIN_RECORD_LENGTH) {
    throw new Error(`全銀 record of ${line.length} characters, not ${ZENGIN_RECORD_LENGTH}`);
  }
  return line;
}

export function headerRecord(requester: ZenginRequester, date: LocalDate): string {
  return record([
    '1',
    '21',
    '0',
    code(requester.requesterCode, 10, '依頼人コード'),
    text(requester.requesterName, ZENGIN_REQUESTER_NAME_WIDTH, '依頼人名'),
    transferDate(date),
    code(requester.bankCode, 4, '仕向銀行番号'),
    bankName(requester.bankName, '仕向銀行名'),
    code(requester.branchCode, 3, '仕向支店番号'),
    bankName(requester.branchName, '仕向支店名'),
    accountTypeCodes[requester.accountType],
    digits(requester.accountNumber, 7, '依頼人口座番号'),
    blank(17),
  ]);
}

export function dataRecord(transfer: ZenginTransfer): string {
  return record([
    '2',
    code(transfer.bankCode, 4, '被仕向銀行番号'),
    bankName(transfer.bankName, '被仕向銀行名'),
    code(transfer.branchCode, 3, '被仕向支店番号'),
    bankName(transfer.branchName, '被仕向支店名'),
    blank(4),
    accountTypeCodes[transfer.accountType],
    digits(transfer.accountNumber, 7, '口座番号'),
    text(transfer.payeeName, ZENGIN_PAYEE_NAME_WIDTH, '受取人名'),
    amount(transfer.amountYen, '振込金額'),
    '0',
    blank(10),
    blank(10),
    '7',
    blank(1),
    blank(7),
  ]);
}

export function trailerRecord(transfers: readonly ZenginTransfer[]): string {
  const total = transfers.reduce((sum, t) => sum + t.amountYen, 0);
  return record([
    '8',
    digits(transfers.length, 6, '合計件数'),
    digits(total, 12, '合計金額'),
    blank(101),
  ]);
}

export function endRecord(): string {
  return record(['9', blank(119)]);
}

/** The records of one 総合振込 file, in order: header, one data record per transfer, trailer, end. */
export function transferFileRecords(
  requester: ZenginRequester,
  date: LocalDate,
  transfers: readonly ZenginTransfer[],
): string[] {
  if (transfers.length === 0)
    throw new ZenginLayoutError('a transfer file needs at least one transfer');
  return [
    headerRecord(requester, date),
    ...transfers.map(dataRecord),
    trailerRecord(transfers),
    endRecord(),
  ];
}
