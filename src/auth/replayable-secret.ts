import type { Db } from '../db/types.ts';
import { feedKey, type HmacKey } from '../feeds/feed-token.ts';
import { base64url } from './base64url.ts';

const encoder = new TextEncoder();

/**
 * Bearer secrets that an Idempotency-Key replay can hand out again, identical, though the
 * tokens table keeps only their hashes: `prefix_` + HMAC(service key, "token:" + nonce). The
 * nonce is kept only in the key's replay record, which lives 24 hours; the key is FEED_SECRET or
 * the generated one (src/feeds/feed-token.ts), as for feed URLs and webhook secrets. So every
 * answer to one creation, the first and its replays, carries the one token that works.
 *
 * Call it before the creation's transaction: on the embedded database, reading a generated key
 * inside one would wait for that transaction itself.
 */
export async function replayableSecrets(db: Db, configured: string | undefined) {
  const key = await feedKey(db, configured);
  return {
    /** A new secret, and the nonce that gives it again. */
    fresh: async (prefix: string) => {
      const nonce = crypto.randomUUID();
      return { secret: await derive(key, prefix, nonce), nonce };
    },
    /** The secret a stored nonce was given. */
    again: (prefix: string, nonce: string) => derive(key, prefix, nonce),
  };
}

async function derive(key: HmacKey, prefix: string, nonce: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`token:${nonce}`));
  return `${prefix}_${base64url(new Uint8Array(mac))}`;
}
