import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('gives PRODUCT.md defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8787);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.databasePoolMax).toBe(10);
    expect(config.visitsPerCompanyPerFy).toBe(3);
    expect(config.publicBaseUrl).toBe('http://localhost:8787');
  });

  it('reads DATABASE_POOL_MAX and treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_POOL_MAX: '32' }).databasePoolMax).toBe(32);
    expect(loadConfig({ DATABASE_POOL_MAX: '' }).databasePoolMax).toBe(10);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});

describe('the office’s bank details for the 全銀 file', () => {
  const office = {
    ZENGIN_REQUESTER_CODE: '1234567890',
    ZENGIN_REQUESTER_NAME: 'ぎじゅつじょうほうかんり じむきょく',
    ZENGIN_BANK_CODE: '0001',
    ZENGIN_BRANCH_CODE: '001',
    ZENGIN_ACCOUNT_TYPE: 'current',
    ZENGIN_ACCOUNT_NUMBER: '12345',
  };

  it('are off when none is set', () => {
    expect(loadConfig({}).zengin).toBeNull();
  });

  it('take the 依頼人名 as people type it and give it in half-width kana', () => {
    expect(loadConfig(office).zengin).toEqual({
      requesterCode: '1234567890',
      requesterName: 'ｷﾞｼﾞﾕﾂｼﾞﾖｳﾎｳｶﾝﾘ ｼﾞﾑｷﾖｸ',
      bankCode: '0001',
      branchCode: '001',
      accountType: 'current',
      accountNumber: '0012345',
    });
  });

  it('must be given all together', () => {
    const { ZENGIN_BANK_CODE: _, ...partial } = office;
    expect(() => loadConfig(partial)).toThrow(/ZENGIN_BANK_CODE: .*all of/);
  });

  it('name the variable that cannot be written in a 全銀 file', () => {
    expect(() => loadConfig({ ...office, ZENGIN_REQUESTER_NAME: '技術情報管理事務局' })).toThrow(
      /ZENGIN_REQUESTER_NAME/,
    );
    expect(() => loadConfig({ ...office, ZENGIN_REQUESTER_CODE: '12345' })).toThrow(
      /ZENGIN_REQUESTER_CODE/,
    );
    expect(() => loadConfig({ ...office, ZENGIN_ACCOUNT_TYPE: 'checking' })).toThrow(
      /ZENGIN_ACCOUNT_TYPE/,
    );
  });
});
