import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { createExpert } from '../support/fixtures.ts';
import { expectFieldError, expectProblem, fieldPaths } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// An expert's bank account, checked when entered against the zengin-code data set: 三菱ＵＦＪ
// (0005) 千代田 (103) and みずほ (0001) 東京営業部 (001) have had these codes for decades.

let api: TestApi;
let expertId: string;
let token: string;
beforeAll(async () => {
  api = await testApi();
  expertId = (await createExpert(api)).id;
  token = (await issueToken(api, { role: 'expert', expertId })).token;
}, 120_000);
afterAll(() => api.close());

const account = {
  bankCode: '0005',
  branchCode: '103',
  accountType: 'ordinary',
  accountNumber: '１２３４',
  holderName: 'さとう はなこ',
};

describe('an expert’s bank account', () => {
  it('is none until entered', async () => {
    expectProblem(await api.call('GET', `/v1/experts/${expertId}/bank-account`), 404, 'not-found');
    expectProblem(await api.call('GET', '/v1/me/bank-account', { token }), 404, 'not-found');
  });

  it('is entered by the expert as typed, and kept as the 全銀 file writes it', async () => {
    const res = await api.call('PUT', '/v1/me/bank-account', { token, body: account });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      expertId,
      bankCode: '0005',
      bankName: '三菱ＵＦＪ',
      branchCode: '103',
      branchName: '千代田',
      accountType: 'ordinary',
      accountNumber: '0001234',
      holderName: 'ｻﾄｳ ﾊﾅｺ',
    });
    expect((await api.call('GET', `/v1/experts/${expertId}/bank-account`)).body).toEqual(res.body);
  });

  it('is changed by staff, audited without the account number', async () => {
    const res = await api.call('PUT', `/v1/experts/${expertId}/bank-account`, {
      body: { ...account, bankCode: '0001', branchCode: '001', accountNumber: '7654321' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ bankName: 'みずほ', branchName: '東京営業部' });
    const audit = await api.call('GET', `/v1/audit?entityType=bank-account&entityId=${expertId}`);
    expect(audit.body.items.map((e: { actor: { role: string } }) => e.actor.role)).toEqual([
      'staff',
      'expert',
    ]);
    expect(JSON.stringify(audit.body)).not.toContain('7654321');
  });

  it('refuses codes the data set does not know, naming the field', async () => {
    expectFieldError(
      await api.call('PUT', '/v1/me/bank-account', {
        token,
        body: { ...account, bankCode: '0002' },
      }),
      'bankCode',
    );
    expectFieldError(
      await api.call('PUT', '/v1/me/bank-account', {
        token,
        body: { ...account, branchCode: '999' },
      }),
      'branchCode',
    );
  });

  it('refuses what a 全銀 file cannot carry, every field at once', async () => {
    const res = await api.call('PUT', '/v1/me/bank-account', {
      token,
      body: { ...account, bankCode: '12', accountNumber: '12345678', holderName: '佐藤花子' },
    });
    expectProblem(res, 400, 'validation-failed');
    expect(fieldPaths(res).sort()).toEqual(['accountNumber', 'bankCode', 'holderName']);
    expectFieldError(
      await api.call('PUT', '/v1/me/bank-account', {
        token,
        body: { ...account, accountType: 'checking' },
      }),
      'accountType',
    );
    expect((await api.call('GET', '/v1/me/bank-account', { token })).body.bankCode).toBe('0001');
  });

  it('is each expert’s own: an unknown expert is 404', async () => {
    expectProblem(
      await api.call('PUT', `/v1/experts/${crypto.randomUUID()}/bank-account`, { body: account }),
      404,
      'not-found',
    );
  });
});
