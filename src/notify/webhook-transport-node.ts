import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup } from '../calendar/fetch-node.ts';
import type { WebhookTransport } from './webhook-transport.ts';

/**
 * Webhooks over node:http(s), checking the addresses the socket actually connects to with
 * the incoming feeds' guarded lookup (no gap for DNS rebinding). The answer's body is not
 * read: only the status counts.
 */
export const nodeWebhookTransport: WebhookTransport = ({
  url,
  headers,
  body,
  signal,
  allowPrivate,
}) =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal,
        // No agent: a pooled socket would skip the lookup.
        agent: false,
        lookup: guardedLookup(allowPrivate),
      },
      (response) => {
        resolve({ status: response.statusCode ?? 0 });
        response.destroy();
      },
    );
    request.on('error', reject);
    request.end(body);
  });
