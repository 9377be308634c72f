import type { HmacKey } from '../feeds/feed-token.ts';
import { base64url } from './base64url.ts';

const encoder = new TextEncoder();

/**
 * A bearer secret that an Idempotency-Key replay can hand out again, identical, though the
 * tokens table keeps only its hash: `prefix_` + HMAC(service key, "token:" + nonce). The nonce
 * is kept only in the key's replay record, which lives 24 hours; the key is FEED_SECRET or the
 * generated one (src/feeds/feed-token.ts), as for feed URLs and webhook secrets. So every answer
 * to one creation, the first and its replays, carries the one token that works.
 */
export async function replayableSecret(
  key: HmacKey,
  prefix: string,
  nonce: string,
): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`token:${nonce}`));
  return `${prefix}_${base64url(new Uint8Array(mac))}`;
}
