import { namesPrivateHost } from './private-address.ts';

export type FeedFetchErrorCode =
  | 'invalid-url'
  | 'forbidden-address'
  | 'timeout'
  | 'too-large'
  | 'http-error'
  | 'too-many-redirects'
  | 'network';

/** Why a feed could not be fetched. The message is for the expert who registered it. */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  readonly code: FeedFetchErrorCode;

  constructor(code: FeedFetchErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type FeedFetchResult =
  | { status: 'not-modified' }
  | { status: 'ok'; body: string; etag: string | null; lastModified: string | null };

export type FetchFeedOptions = {
  /** Validators from the last good fetch, sent as If-None-Match / If-Modified-Since. */
  etag?: string | null;
  lastModified?: string | null;
  /** Allow loopback, private and link-local addresses (tests, FEED_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** For the whole fetch, body and redirects included. Default 10 s. */
  timeoutMs?: number;
  /** Default 5 MB. */
  maxBytes?: number;
  /** Default 3. */
  maxRedirects?: number;
};

/** One GET, redirects not followed: what a runtime must provide to fetch a feed. */
export type FeedTransport = (request: TransportRequest) => Promise<TransportResponse>;

export type TransportRequest = {
  url: URL;
  headers: Readonly<Record<string, string>>;
  /** Aborts the request and the reading of its body. */
  signal: AbortSignal;
  /**
   * When false, the transport refuses (with a 'forbidden-address' FeedFetchError) to
   * connect to a private address that a host name resolves to. IP literals and
   * localhost names never reach it: fetchFeed refuses those itself.
   */
  allowPrivate: boolean;
};

export type TransportResponse = {
  status: number;
  header(name: string): string | null;
  /** Leaving a `for await` over it early releases the connection. */
  body: AsyncIterable<Uint8Array>;
};

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HEADERS = {
  accept: 'text/calendar, text/plain;q=0.5, */*;q=0.1',
  'user-agent': 'haken-feed-sync/1',
};

/**
 * GETs an iCalendar feed over `transport`, conditionally when validators are given, with
 * the limits a server needs against someone else's URL: http(s) only, no private
 * addresses (every redirect hop checked again), a size cap enforced while streaming, and
 * one timeout for the whole exchange.
 */
export async function fetchFeed(
  url: string,
  options: FetchFeedOptions,
  transport: FeedTransport,
): Promise<FeedFetchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Rejects on time even if a transport ignored the abort signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new FeedFetchError('timeout', `the feed did not arrive within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([follow(url, options, transport, controller.signal), deadline]);
  } catch (error) {
    if (controller.signal.aborted) {
      throw new FeedFetchError('timeout', `the feed did not arrive within ${timeoutMs} ms`);
    }
    if (error instanceof FeedFetchError) throw error;
    throw new FeedFetchError('network', `could not fetch the feed: ${describe(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

async function follow(
  url: string,
  options: FetchFeedOptions,
  transport: FeedTransport,
  signal: AbortSignal,
): Promise<FeedFetchResult> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const headers: Record<string, string> = { ...HEADERS };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;

  let target = feedUrl(url, options.allowPrivate);
  for (let redirects = 0; ; redirects++) {
    const response = await transport({
      url: target,
      headers,
      signal,
      allowPrivate: options.allowPrivate,
    });
    if (REDIRECTS.has(response.status)) {
      await discard(response.body);
      if (redirects >= maxRedirects) {
        throw new FeedFetchError('too-many-redirects', `more than ${maxRedirects} redirects`);
      }
      const location = response.header('location');
      if (!location) {
        throw new FeedFetchError('http-error', `HTTP ${response.status} without a Location`);
      }
      target = feedUrl(resolve(location, target), options.allowPrivate);
      continue;
    }
    if (response.status === 304 && (options.etag || options.lastModified)) {
      await discard(response.body);
      return { status: 'not-modified' };
    }
    if (response.status < 200 || response.status > 299) {
      await discard(response.body);
      throw new FeedFetchError('http-error', `the feed's server answered HTTP ${response.status}`);
    }
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const declared = Number(response.header('content-length'));
    if (declared > maxBytes) {
      await discard(response.body);
      throw tooLarge(maxBytes);
    }
    return {
      status: 'ok',
      body: await readText(response.body, maxBytes),
      etag: response.header('etag'),
      lastModified: response.header('last-modified'),
    };
  }
}

/** The URL if it may be fetched: http(s), and no private address named outright. */
export function feedUrl(text: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FeedFetchError('invalid-url', 'the feed URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FeedFetchError(
      'invalid-url',
      `only http and https feed URLs are supported, not ${url.protocol}`,
    );
  }
  if (namesPrivateHost(url) && !allowPrivate) {
    throw new FeedFetchError(
      'forbidden-address',
      `refusing to fetch from ${url.hostname}: a loopback, private or link-local address`,
    );
  }
  return url;
}

function resolve(location: string, base: URL): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}

async function readText(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    // Leaving the loop closes the stream: the rest is never downloaded.
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  // RFC 5545 feeds are UTF-8; a stray invalid byte should not lose the whole feed.
  return new TextDecoder('utf-8').decode(bytes);
}

async function discard(body: AsyncIterable<Uint8Array>): Promise<void> {
  await body[Symbol.asyncIterator]().return?.();
}

function tooLarge(maxBytes: number): FeedFetchError {
  return new FeedFetchError('too-large', `the feed is larger than ${maxBytes} bytes`);
}

/**
 * A failed connection in plain words for the expert. Never the error's own message: it can
 * name internal hosts and addresses, or quote what a server sent.
 */
function describe(error: unknown): string {
  // Node puts the system error code (ECONNREFUSED, ENOTFOUND) on the error or its cause.
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  const code = (error as { code?: unknown })?.code ?? cause?.code;
  if (typeof code !== 'string') return 'the connection failed';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name was not found';
  if (code === 'ECONNREFUSED') return "the feed's server refused the connection";
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was cut off';
  if (code === 'ETIMEDOUT') return 'the connection timed out';
  if (/CERT|SSL|TLS|SELF_SIGNED/.test(code)) return "the server's certificate was not accepted";
  return 'the connection failed';
}
