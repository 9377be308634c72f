import type { Localized } from './localized.ts';
import {
  ZENGIN_ACCOUNT_TYPES,
  ZENGIN_PAYEE_NAME_WIDTH,
  type ZenginAccount,
  type ZenginAccountType,
} from './zengin.ts';
import { toZenginKana, unsupportedZenginCharacters } from './zengin-kana.ts';

// An expert's bank account as the office pays into it: codes checked against the zengin-code
// data set (passed in, so this stays pure: src/payments/bank-directory.ts loads it), the
// account number zero-padded to the 7 digits 全銀 writes, and the holder's name in the
// half-width kana the bank prints it in.

type DirectoryEntry = { code: string; name: string; kana: string };

/** Banks by 4-digit code, each with its branches by 3-digit code (zengin-code's shape). */
export type BankDirectory = Readonly<
  Record<string, DirectoryEntry & { branches: Readonly<Record<string, DirectoryEntry>> }>
>;

export const accountTypeLabels: Record<ZenginAccountType, Localized> = {
  ordinary: { ja: '普通', en: 'ordinary' },
  current: { ja: '当座', en: 'current' },
  savings: { ja: '貯蓄', en: 'savings' },
};

export type BankAccountInput = {
  bankCode: string;
  branchCode: string;
  accountType: string;
  accountNumber: string;
  holderName: string;
};

/**
 * A checked account: what to store (codes, type, 7-digit number, holder name in half-width
 * kana), the bank and branch names in half-width kana for the 全銀 file, and their names in
 * kanji to show people.
 */
export type BankAccount = ZenginAccount & {
  holderName: string;
  bankDisplayName: string;
  branchDisplayName: string;
};

export type BankAccountProblem = { field: keyof BankAccountInput; message: string };

export type BankAccountCheck =
  | { ok: true; account: BankAccount }
  | { ok: false; problems: BankAccountProblem[] };

const yuchoBankCode = '9900';

function digitsOf(value: string): string {
  return value.normalize('NFKC').trim();
}

/**
 * Checks an account as typed (full-width digits, a number shorter than 7 digits, a name in
 * full-width katakana or hiragana are all fine) and gives it in the form the 全銀 file needs.
 * Checking an account already checked gives it back unchanged, so an export can check the
 * stored accounts again against the data set of the day.
 */
export function checkBankAccount(
  input: BankAccountInput,
  directory: BankDirectory,
): BankAccountCheck {
  const problems: BankAccountProblem[] = [];
  const bankCode = digitsOf(input.bankCode);
  const branchCode = digitsOf(input.branchCode);
  const accountNumber = digitsOf(input.accountNumber);
  const holderName = toZenginKana(input.holderName);

  const bank = /^[0-9]{4}$/.test(bankCode) ? directory[bankCode] : undefined;
  if (!/^[0-9]{4}$/.test(bankCode)) {
    problems.push({ field: 'bankCode', message: 'A bank code is 4 digits' });
  } else if (!bank) {
    problems.push({ field: 'bankCode', message: `No bank has the code ${bankCode}` });
  }
  const branch = /^[0-9]{3}$/.test(branchCode) ? bank?.branches[branchCode] : undefined;
  if (!/^[0-9]{3}$/.test(branchCode)) {
    problems.push({ field: 'branchCode', message: 'A branch code is 3 digits' });
  } else if (bank && !branch) {
    problems.push({
      field: 'branchCode',
      message: `${bank.name} (${bankCode}) has no branch with the code ${branchCode}`,
    });
  }

  if (!(ZENGIN_ACCOUNT_TYPES as readonly string[]).includes(input.accountType)) {
    problems.push({
      field: 'accountType',
      message: `The account type is one of ${ZENGIN_ACCOUNT_TYPES.join(', ')}`,
    });
  }

  if (!/^[0-9]{1,7}$/.test(accountNumber)) {
    // ゆうちょ銀行's own 記号・番号 (5 + up to 8 digits) is not what other banks transfer to.
    const yucho =
      bankCode === yuchoBankCode
        ? ': for ゆうちょ銀行 give the 店番 and 口座番号 for transfers from other banks, not the 記号・番号'
        : '';
    problems.push({
      field: 'accountNumber',
      message: `An account number is 1 to 7 digits${yucho}`,
    });
  }

  const unsupported = unsupportedZenginCharacters(holderName);
  if (holderName === '') {
    problems.push({ field: 'holderName', message: 'The account holder name is required' });
  } else if (unsupported.length > 0) {
    problems.push({
      field: 'holderName',
      message: `The account holder name, as the bank prints it, cannot contain ${unsupported.join(' ')}: use katakana, A–Z, digits, spaces and ( ) - . / (e.g. ヤマダ タロウ)`,
    });
  } else if (holderName.length > ZENGIN_PAYEE_NAME_WIDTH) {
    problems.push({
      field: 'holderName',
      message: `The account holder name is at most ${ZENGIN_PAYEE_NAME_WIDTH} half-width characters (voiced kana count two): ${holderName} has ${holderName.length}`,
    });
  }

  const names = branchNames(directory, bankCode, branchCode);
  if (problems.length > 0 || !names) return { ok: false, problems };
  return {
    ok: true,
    account: {
      bankCode,
      branchCode,
      accountType: input.accountType as ZenginAccountType,
      accountNumber: accountNumber.padStart(7, '0'),
      holderName,
      ...names,
    },
  };
}

/**
 * A bank branch's names: in half-width kana for the 全銀 file, and in kanji to show people; null
 * when the data set has no such branch. (The office's own account is looked up by this alone:
 * its name, the 依頼人名, is no payee's.)
 */
export function branchNames(
  directory: BankDirectory,
  bankCode: string,
  branchCode: string,
): Pick<BankAccount, 'bankName' | 'branchName' | 'bankDisplayName' | 'branchDisplayName'> | null {
  const bank = Object.hasOwn(directory, bankCode) ? directory[bankCode] : undefined;
  const branch =
    bank && Object.hasOwn(bank.branches, branchCode) ? bank.branches[branchCode] : undefined;
  if (!bank || !branch) return null;
  return {
    bankName: toZenginKana(bank.kana),
    branchName: toZenginKana(branch.kana),
    bankDisplayName: bank.name,
    branchDisplayName: branch.name,
  };
}
