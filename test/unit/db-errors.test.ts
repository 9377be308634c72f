import { describe, expect, it } from 'vitest';
import { isUnavailable } from '../../src/db/errors.ts';

// What the API answers 503 (database-unavailable) for, rather than 500: every way the
// database can be out of reach, as postgres.js, Node and Postgres report it, however wrapped.
const wrapped = (code: string) => ({ message: 'Failed query', cause: { code } });

describe('isUnavailable', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'EHOSTUNREACH',
    'EAI_AGAIN',
    'CONNECT_TIMEOUT',
    'CONNECTION_CLOSED',
    'CONNECTION_DESTROYED',
    '57P01',
    '57P03',
    '08006',
    '53300',
  ])('%s is a database out of reach', (code) => {
    expect(isUnavailable(wrapped(code))).toBe(true);
    expect(isUnavailable({ code })).toBe(true);
  });

  it.each(['23505', '23P01', '40001', '22P02', '42P01', '53100', 'ERR_SOMETHING'])(
    '%s is not',
    (code) => {
      expect(isUnavailable(wrapped(code))).toBe(false);
    },
  );

  it('is false for what is not an error of the database at all', () => {
    expect(isUnavailable(new Error('boom'))).toBe(false);
    expect(isUnavailable(undefined)).toBe(false);
    expect(isUnavailable('ECONNREFUSED')).toBe(false);
  });
});
