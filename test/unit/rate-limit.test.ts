import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/http/context.ts';
import { clientKey, RateLimiter } from '../../src/http/rate-limit.ts';

describe('RateLimiter', () => {
  it('lets a client spend `limit` at once, then one more every 60/limit seconds', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 6; i++) {
      expect(limiter.wait('a', 6, 0)).toBe(0);
      limiter.spend('a', 6, 0);
    }
    expect(limiter.wait('a', 6, 0)).toBe(10_000);
    expect(limiter.wait('a', 6, 4_000)).toBe(6_000);
    expect(limiter.wait('a', 6, 10_000)).toBe(0);
    limiter.spend('a', 6, 10_000);
    expect(limiter.wait('a', 6, 10_000)).toBe(10_000);
  });

  it('counts each client on its own', () => {
    const limiter = new RateLimiter();
    limiter.spend('a', 1, 0);
    expect(limiter.wait('a', 1, 0)).toBe(60_000);
    expect(limiter.wait('b', 1, 0)).toBe(0);
  });

  it('is full again after a minute, and a clock moved backwards refills nothing', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 3; i++) limiter.spend('a', 3, 100_000);
    expect(limiter.wait('a', 3, 50_000)).toBe(20_000);
    expect(limiter.wait('a', 3, 160_000)).toBe(0);
    limiter.spend('a', 3, 160_000);
    limiter.spend('a', 3, 160_000);
    limiter.spend('a', 3, 160_000);
    expect(limiter.wait('a', 3, 160_000)).toBeGreaterThan(0);
  });

  it('keeps its memory bounded however many clients it sees', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 60_000; i++) limiter.spend(`client-${i}`, 1, 0);
    // The first clients were forgotten (a fresh bucket), the latest are still counted.
    expect(limiter.wait('client-0', 1, 0)).toBe(0);
    expect(limiter.wait('client-59999', 1, 0)).toBe(60_000);
  });
});

function contextWith(headers: Record<string, string>) {
  return { req: { header: (name: string) => headers[name.toLowerCase()] } } as Context<AppEnv>;
}

describe('clientKey', () => {
  const socket = (address: string | undefined) => () => address;

  it('is the socket’s address; none means an in-process call, which is not counted', () => {
    expect(clientKey(contextWith({}), socket('192.0.2.7'), false)).toBe('192.0.2.7');
    expect(clientKey(contextWith({}), socket(undefined), false)).toBeUndefined();
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', () => {
    const c = contextWith({ 'x-forwarded-for': '203.0.113.9' });
    expect(clientKey(c, socket('10.0.0.2'), false)).toBe('10.0.0.2');
    expect(clientKey(c, socket('10.0.0.2'), true)).toBe('203.0.113.9');
  });

  it('behind a trusted proxy takes the entry the proxy appended, not what the client sent', () => {
    const c = contextWith({ 'x-forwarded-for': '1.1.1.1, 2.2.2.2,203.0.113.9 ' });
    expect(clientKey(c, socket('10.0.0.2'), true)).toBe('203.0.113.9');
    expect(clientKey(contextWith({ 'x-forwarded-for': '' }), socket('10.0.0.2'), true)).toBe(
      '10.0.0.2',
    );
  });

  it.each([
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0:0:0:ffff', '2001:db8:1:2::/64'],
    ['[2001:db8::1]', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['not:an::address::', 'not:an::address::'],
  ])('counts %s as %s', (address, key) => {
    expect(clientKey(contextWith({}), socket(address), false)).toBe(key);
  });
});
