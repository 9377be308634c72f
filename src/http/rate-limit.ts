import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

/**
 * The address a request comes from, as the runtime tells it: the socket's peer on Node, the
 * `cf-connecting-ip` header Cloudflare sets on Workers; undefined for an in-process call.
 */
export type ClientAddress = (c: Context<AppEnv>) => string | undefined;

const WINDOW_MS = 60_000;
/** Past this many tracked clients the least recently seen are forgotten, so memory is bounded. */
const MAX_CLIENTS = 50_000;

type Bucket = { tokens: number; at: number };

/**
 * Token buckets per client, in this process's memory: a client holds up to `limit` tokens and
 * gets them back at `limit` per minute, so it may spend `limit` at once and then `limit` a
 * minute. Each process (or Workers isolate) counts on its own, so a fleet of N processes lets
 * a client through up to N times the limit: enough to stop a script, at this programme's scale,
 * without a shared store.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  #swept = 0;

  /** Milliseconds until `key` has a token to spend; 0 when it has one now. */
  wait(key: string, limit: number, now: number): number {
    const tokens = this.#tokens(key, limit, now);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * WINDOW_MS) / limit);
  }

  /** Spends one of `key`'s tokens (none left stays none). */
  spend(key: string, limit: number, now: number): void {
    const tokens = Math.max(0, this.#tokens(key, limit, now) - 1);
    // Deleted and set again, so the map's order is least recently seen first.
    this.#buckets.delete(key);
    this.#buckets.set(key, { tokens, at: now });
    this.#sweep(limit, now);
  }

  #tokens(key: string, limit: number, now: number): number {
    const bucket = this.#buckets.get(key);
    if (!bucket) return limit;
    // A clock moved backwards (tests move theirs) refills nothing rather than draining.
    const elapsed = Math.max(0, now - bucket.at);
    return Math.min(limit, bucket.tokens + (elapsed * limit) / WINDOW_MS);
  }

  /** Forgets full buckets once a window, and the least recently seen client past the cap. */
  #sweep(limit: number, now: number) {
    if (Math.abs(now - this.#swept) >= WINDOW_MS) {
      this.#swept = now;
      for (const key of [...this.#buckets.keys()]) {
        if (this.#tokens(key, limit, now) >= limit) this.#buckets.delete(key);
      }
    }
    if (this.#buckets.size > MAX_CLIENTS) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
  }
}

/**
 * The key a client is counted under. Behind a proxy (TRUST_PROXY) that is the last
 * X-Forwarded-For entry, the one the proxy itself appended: earlier entries are whatever the
 * client chose to send. An IPv6 client is counted by its /64, which one host usually holds
 * whole. Undefined when the runtime cannot tell (an in-process call: tests, the demo seed).
 */
export function clientKey(
  c: Context<AppEnv>,
  address: ClientAddress,
  trustProxy: boolean,
): string | undefined {
  const forwarded = trustProxy
    ? c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()
    : undefined;
  const raw = forwarded || address(c);
  return raw ? normalise(raw) : undefined;
}

function normalise(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  if (!bare.includes(':')) return bare;
  const prefix = ipv6Prefix64(bare);
  return prefix ? `${prefix}::/64` : bare;
}

/** The first four groups of an IPv6 address, `::` expanded; undefined if it is not one. */
function ipv6Prefix64(address: string): string | undefined {
  const halves = address.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const [head = '', tail] = halves;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':');
}

function rateLimited(waitMs: number, what: string): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new ApiError('rate-limited', `${what}; retry in ${seconds} s`, undefined, {
    'Retry-After': String(seconds),
  });
}

/**
 * Whether a request offers a secret to be checked: an Authorization header, or a secret in its
 * URL (a company's status link /r/…, a feed /feeds/…), or one posted to sign in (a staff token
 * typed in, a one-time link followed).
 */
function carriesCredential(c: Context<AppEnv>): boolean {
  if (c.req.header('authorization') !== undefined) return true;
  const path = c.req.path;
  return (
    path.startsWith('/r/') ||
    path.startsWith('/feeds/') ||
    (c.req.method === 'POST' && SIGN_IN.test(path))
  );
}

const SIGN_IN = /^\/(staff\/sign-in(\/[^/]+)?|expert\/sign-in\/[^/]+)$/;

/**
 * The two limits of the API, per client address: applications (`POST /v1/requests`, the one
 * public write), and failed credential checks (a 401, or a secret in the URL or a sign-in form
 * the service did not know), so secrets cannot be guessed at speed. A valid secret never
 * counts; but a client over the failure limit is refused before its secret is looked at, valid
 * or not, or a guesser would still learn which guess was right. A limit of 0 turns that limit
 * off.
 */
export function rateLimits(address: ClientAddress) {
  const applications = new RateLimiter();
  const failures = new RateLimiter();

  const apply: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { config, clock } = c.get('deps');
    const limit = config.rateLimitApplyPerMinute;
    const key = limit > 0 && c.req.method === 'POST' && clientKey(c, address, config.trustProxy);
    if (key) {
      const now = clock().getTime();
      const wait = applications.wait(key, limit, now);
      if (wait > 0) throw rateLimited(wait, `At most ${limit} applications a minute`);
      applications.spend(key, limit, now);
    }
    await next();
  };

  const authFailures: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { config, clock } = c.get('deps');
    const limit = config.rateLimitAuthFailuresPerMinute;
    const key = limit > 0 && carriesCredential(c) && clientKey(c, address, config.trustProxy);
    if (!key) return next();
    const wait = failures.wait(key, limit, clock().getTime());
    if (wait > 0) throw rateLimited(wait, 'Too many failed token checks from this address');
    await next();
    // With a token present, only its lookup answers 401: a known token has a principal. A
    // secret in a URL or a form is judged by the handler that looks it up.
    if (c.res.status === 401 || c.get('credentialRefused')) {
      failures.spend(key, limit, clock().getTime());
    }
  };

  return { apply, authFailures };
}
