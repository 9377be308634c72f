import { type LookupAddress, type LookupAllOptions, lookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  FeedFetchError,
  type FeedFetchResult,
  type FeedTransport,
  type FetchFeedOptions,
  fetchFeed,
} from './fetch-feed.ts';
import { isPrivateAddress } from './private-address.ts';

/** fetchFeed over node:http(s), checking the addresses it actually connects to. Node only. */
export function fetchFeedNode(url: string, options: FetchFeedOptions): Promise<FeedFetchResult> {
  return fetchFeed(url, options, nodeTransport);
}

export const nodeTransport: FeedTransport = ({ url, headers, signal, allowPrivate }) =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      // No agent: a pooled socket would skip the lookup, and feeds are fetched rarely.
      { method: 'GET', headers, signal, agent: false, lookup: guardedLookup(allowPrivate) },
      (response) => {
        resolve({
          status: response.statusCode ?? 0,
          header: (name) => {
            const value = response.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : (value ?? null);
          },
          body: response,
        });
      },
    );
    request.on('error', reject);
    request.end();
  });

type Resolve = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for node:net that resolves every address of the host and refuses them all if
 * any is private. Checking what the socket connects to, rather than a separate lookup
 * beforehand, leaves no gap for a DNS answer that changes in between (DNS rebinding).
 */
export function guardedLookup(
  allowPrivate: boolean,
  resolve: Resolve = (hostname, options, callback) => lookup(hostname, options, callback),
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const forbidden = addresses.find(({ address }) => isPrivateAddress(address));
      if (forbidden && !allowPrivate) {
        // Which address it resolves to is the network's own business: not said.
        const message = `refusing to fetch from ${hostname}: it resolves to a loopback, private or link-local address`;
        return callback(new FeedFetchError('forbidden-address', message), []);
      }
      const [first] = addresses;
      if (options.all) return callback(null, addresses);
      if (!first)
        return callback(
          Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }),
          [],
        );
      return callback(null, first.address, first.family);
    });
  };
}
