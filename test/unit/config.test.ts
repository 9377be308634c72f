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
