import { namesPrivateHost } from '../calendar/private-address.ts';

// Webhook deliveries POST to URLs that staff typed in, so they get the guard incoming feeds
// have (src/calendar/fetch-feed.ts): http(s) only, no private addresses (the Node transport
// also checks what a host name resolves to), one timeout, and no redirects followed.

export type WebhookErrorCode = 'invalid-url' | 'forbidden-address' | 'timeout' | 'network';

export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** One POST, redirects not followed; what a runtime must provide to deliver a webhook. */
export type WebhookTransport = (request: {
  url: URL;
  headers: Readonly<Record<string, string>>;
  body: string;
  signal: AbortSignal;
  /** When false, refuse (with a 'forbidden-address' error) a host resolving to a private address. */
  allowPrivate: boolean;
}) => Promise<{ status: number }>;

export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The URL if a webhook may be sent to it: http(s), and no loopback, private or link-local
 * address named outright (host names are checked by the transport as it connects).
 */
export function webhookUrl(text: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookError('invalid-url', 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookError('invalid-url', `must be http or https, not ${url.protocol}`);
  }
  if (namesPrivateHost(url) && !allowPrivate) {
    throw new WebhookError(
      'forbidden-address',
      'must not point at a loopback, private or link-local address',
    );
  }
  return url;
}

/** POSTs `body` to `url` over `transport` within the timeout; resolves with the HTTP status. */
export async function postWebhook(
  url: string,
  message: { headers: Record<string, string>; body: string },
  options: { allowPrivate: boolean; timeoutMs?: number },
  transport: WebhookTransport,
): Promise<number> {
  const target = webhookUrl(url, options.allowPrivate);
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Rejects on time even if a transport ignored the abort signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new WebhookError('timeout', `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const sent = transport({
      url: target,
      headers: message.headers,
      body: message.body,
      signal: controller.signal,
      allowPrivate: options.allowPrivate,
    });
    return (await Promise.race([sent, deadline])).status;
  } catch (error) {
    if (controller.signal.aborted) {
      throw new WebhookError('timeout', `no answer within ${timeoutMs} ms`);
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'forbidden-address') throw new WebhookError(code, 'forbidden address');
    throw new WebhookError('network', typeof code === 'string' ? code : 'network error');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Webhooks over the runtime's `fetch`, for Cloudflare Workers: Workers cannot resolve DNS,
 * so only IP literals and localhost names are checked (by webhookUrl); Cloudflare itself does
 * not let a Worker's fetch reach private and loopback addresses.
 */
export const webWebhookTransport: WebhookTransport = async ({ url, headers, body, signal }) => {
  const response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
  await response.body?.cancel();
  return { status: response.status };
};
