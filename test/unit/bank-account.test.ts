import { beforeAll, describe, expect, it } from 'vitest';
import {
  accountTypeLabels,
  type BankAccountInput,
  type BankDirectory,
  branchNames,
  checkBankAccount,
} from '../../src/domain/bank-account.ts';
import { dataRecord } from '../../src/domain/zengin.ts';
import { toZenginKana, unsupportedZenginCharacters } from '../../src/domain/zengin-kana.ts';
import { loadBankDirectory } from '../../src/payments/bank-directory.ts';

// Checked against the real zengin-code data set: みずほ (0001) 東京営業部 (001) and
// 三菱ＵＦＪ (0005) 千代田 (103) have had these codes for decades.

let directory: BankDirectory;
beforeAll(async () => {
  directory = await loadBankDirectory();
});

const input = (over: Partial<BankAccountInput> = {}): BankAccountInput => ({
  bankCode: '0005',
  branchCode: '103',
  accountType: 'ordinary',
  accountNumber: '1234',
  holderName: 'ヤマダ タロウ',
  ...over,
});

function problems(over: Partial<BankAccountInput>) {
  const check = checkBankAccount(input(over), directory);
  return check.ok ? [] : check.problems;
}

describe('checkBankAccount', () => {
  it('gives the account in 全銀 form with the bank and branch names from the data set', () => {
    expect(checkBankAccount(input(), directory)).toEqual({
      ok: true,
      account: {
        bankCode: '0005',
        bankName: 'ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ',
        branchCode: '103',
        branchName: 'ﾁﾖﾀﾞ',
        accountType: 'ordinary',
        accountNumber: '0001234',
        holderName: 'ﾔﾏﾀﾞ ﾀﾛｳ',
        bankDisplayName: '三菱ＵＦＪ',
        branchDisplayName: '千代田',
      },
    });
  });

  it('takes codes and numbers typed in full-width digits, and names in hiragana', () => {
    const check = checkBankAccount(
      input({
        bankCode: '０００１',
        branchCode: ' ００１ ',
        accountNumber: '７６５４３２１',
        holderName: 'きゅうよ いちろう',
      }),
      directory,
    );
    expect(check).toMatchObject({
      ok: true,
      account: {
        bankCode: '0001',
        bankName: 'ﾐｽﾞﾎ',
        branchCode: '001',
        branchName: 'ﾄｳｷﾖｳ',
        accountNumber: '7654321',
        holderName: 'ｷﾕｳﾖ ｲﾁﾛｳ',
      },
    });
  });

  it('gives an account already checked back unchanged', () => {
    const first = checkBankAccount(input(), directory);
    if (!first.ok) throw new Error('expected a valid account');
    const again = checkBankAccount(first.account, directory);
    expect(again).toEqual(first);
  });

  it('gives an account the 全銀 data record takes as it is', () => {
    const check = checkBankAccount(input(), directory);
    if (!check.ok) throw new Error('expected a valid account');
    const record = dataRecord({
      ...check.account,
      payeeName: check.account.holderName,
      amountYen: 1,
    });
    expect(record.slice(1, 5)).toBe('0005');
    expect(record.slice(50, 80)).toBe('ﾔﾏﾀﾞ ﾀﾛｳ'.padEnd(30));
  });

  it('refuses a bank code that is not 4 digits, or that no bank has', () => {
    expect(problems({ bankCode: '5' })).toEqual([
      { field: 'bankCode', message: 'A bank code is 4 digits' },
    ]);
    expect(problems({ bankCode: '0002' })).toEqual([
      { field: 'bankCode', message: 'No bank has the code 0002' },
    ]);
  });

  it('refuses a branch the bank does not have, naming the bank', () => {
    expect(problems({ branchCode: '999' })).toEqual([
      { field: 'branchCode', message: '三菱ＵＦＪ (0005) has no branch with the code 999' },
    ]);
    expect(problems({ branchCode: '12' })).toEqual([
      { field: 'branchCode', message: 'A branch code is 3 digits' },
    ]);
  });

  it('refuses an account type it does not know', () => {
    expect(problems({ accountType: '普通' })).toEqual([
      { field: 'accountType', message: 'The account type is one of ordinary, current, savings' },
    ]);
  });

  it('takes every account type', () => {
    for (const accountType of ['ordinary', 'current', 'savings']) {
      expect(problems({ accountType }), accountType).toEqual([]);
    }
    expect(accountTypeLabels.ordinary.ja).toBe('普通');
    expect(accountTypeLabels.current.ja).toBe('当座');
    expect(accountTypeLabels.savings.ja).toBe('貯蓄');
  });

  it('refuses an account number of more than 7 digits or other characters', () => {
    expect(problems({ accountNumber: '12345678' })).toEqual([
      { field: 'accountNumber', message: 'An account number is 1 to 7 digits' },
    ]);
    expect(problems({ accountNumber: '123-45' })).toHaveLength(1);
    expect(problems({ accountNumber: '' })).toHaveLength(1);
  });

  it('points a ゆうちょ銀行 記号・番号 to the number for transfers', () => {
    expect(problems({ bankCode: '9900', branchCode: '108', accountNumber: '12345678' })).toEqual([
      {
        field: 'accountNumber',
        message:
          'An account number is 1 to 7 digits: for ゆうちょ銀行 give the 店番 and 口座番号 for transfers from other banks, not the 記号・番号',
      },
    ]);
  });

  it('refuses a holder name with characters banks do not take, naming them', () => {
    expect(problems({ holderName: '山田 太郎' })).toEqual([
      {
        field: 'holderName',
        message:
          'The account holder name, as the bank prints it, cannot contain 山 田 太 郎: use katakana, A–Z, digits, spaces and ( ) - . / (e.g. ヤマダ タロウ)',
      },
    ]);
    expect(problems({ holderName: 'ヤマダ・タロウ' })[0]?.message).toMatch(/contain ・:/);
  });

  it('refuses an empty holder name', () => {
    expect(problems({ holderName: '　 ' })).toEqual([
      { field: 'holderName', message: 'The account holder name is required' },
    ]);
  });

  it('refuses a holder name over 30 half-width characters, counting voiced marks', () => {
    // 15 voiced kana are 30 half-width characters; one more is 32.
    expect(problems({ holderName: 'ガ'.repeat(15) })).toEqual([]);
    expect(problems({ holderName: `${'ガ'.repeat(15)}ダ` })).toEqual([
      {
        field: 'holderName',
        message: `The account holder name is at most 30 half-width characters (voiced kana count two): ${'ｶﾞ'.repeat(15)}ﾀﾞ has 32`,
      },
    ]);
  });

  it('reports every problem at once', () => {
    expect(
      problems({ bankCode: 'x', branchCode: 'y', accountNumber: 'z', holderName: '' }).map(
        (p) => p.field,
      ),
    ).toEqual(['bankCode', 'branchCode', 'accountNumber', 'holderName']);
  });

  it('works on a directory given to it (the function is pure)', () => {
    const tiny: BankDirectory = {
      '0397': {
        code: '0397',
        name: 'ＳＢＩ新生',
        kana: 'エスビ－アイシンセイ',
        branches: { '400': { code: '400', name: '本店', kana: 'ホンテン' } },
      },
    };
    expect(checkBankAccount(input({ bankCode: '0397', branchCode: '400' }), tiny)).toMatchObject({
      ok: true,
      account: { bankName: 'ｴｽﾋﾞ-ｱｲｼﾝｾｲ', branchName: 'ﾎﾝﾃﾝ' },
    });
    expect(problems({ bankCode: '0397' })).not.toEqual([]);
  });
});

describe('the zengin-code data set', () => {
  it('has every bank and branch name writable in a 全銀 file', () => {
    let names = 0;
    for (const bank of Object.values(directory)) {
      const entries = [bank, ...Object.values(bank.branches)];
      for (const entry of entries) {
        expect(unsupportedZenginCharacters(toZenginKana(entry.kana)), entry.kana).toEqual([]);
        names += 1;
      }
    }
    expect(names).toBeGreaterThan(10_000);
  });

  it('is loaded once', async () => {
    expect(await loadBankDirectory()).toBe(directory);
  });
});

describe('branchNames', () => {
  it('gives a branch’s names in half-width kana and in kanji, or null', () => {
    expect(branchNames(directory, '0001', '001')).toEqual({
      bankName: 'ﾐｽﾞﾎ',
      branchName: 'ﾄｳｷﾖｳ',
      bankDisplayName: 'みずほ',
      branchDisplayName: '東京営業部',
    });
    expect(branchNames(directory, '0001', '999')).toBeNull();
    expect(branchNames(directory, '0002', '001')).toBeNull();
    expect(branchNames(directory, '__proto__', 'constructor')).toBeNull();
  });
});
