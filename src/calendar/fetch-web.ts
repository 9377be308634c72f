import {
  type FeedFetchResult,
  type FeedTransport,
  type FetchFeedOptions,
  fetchFeed,
} from './fetch-feed.ts';

/**
 * fetchFeed over the runtime's `fetch`, for Cloudflare Workers. Workers cannot resolve
 * DNS, so only IP literals and localhost names are checked here (by fetchFeed); Cloudflare
 * itself refuses to connect a Worker's fetch to private and loopback addresses.
 */
export function fetchFeedWeb(url: string, options: FetchFeedOptions): Promise<FeedFetchResult> {
  return fetchFeed(url, options, webTransport);
}

export const webTransport: FeedTransport = async ({ url, headers, signal }) => {
  const response = await fetch(url, { headers, signal, redirect: 'manual' });
  return {
    status: response.status,
    header: (name) => response.headers.get(name),
    body: chunks(response.body),
  };
};

async function* chunks(stream: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!stream) return;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Reached early (size cap, redirect): stop the download.
    // A stream that already ended or failed has nothing left to cancel.
    await reader.cancel().catch(() => {});
  }
}
