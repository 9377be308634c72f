import { eq } from 'drizzle-orm';
import { base64url } from '../auth/base64url.ts';
import { newSecret } from '../auth/secrets.ts';
import { settings } from '../db/schema.ts';
import type { Db } from '../db/types.ts';

const KEY_SETTING = 'feed-signing-key';
const encoder = new TextEncoder();
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const keys = new WeakMap<Db, Promise<HmacKey>>();

/**
 * The key feed URLs (and webhook and replayable token secrets) are derived with: FEED_SECRET
 * when configured (keeps it out of the database), otherwise one the service generates once and
 * keeps in `settings`.
 */
export function feedKey(db: Db, configured: string | undefined): Promise<HmacKey> {
  let key = keys.get(db);
  if (!key) {
    key = loadKey(db, configured);
    keys.set(db, key);
    key.catch(() => keys.delete(db));
  }
  return key;
}

async function loadKey(db: Db, configured: string | undefined): Promise<HmacKey> {
  let secret = configured;
  if (!secret) {
    await db
      .insert(settings)
      .values({ key: KEY_SETTING, value: newSecret('key') })
      .onConflictDoNothing();
    const [row] = await db.select().from(settings).where(eq(settings.key, KEY_SETTING));
    if (!row) throw new Error('feed signing key missing');
    secret = row.value;
  }
  return crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
}

/**
 * A feed's secret: HMAC(key, nonce). The tokens table keeps the nonce and the secret's hash,
 * so the URL can be shown again but a copy of the table alone does not reveal it.
 */
export async function feedSecret(key: HmacKey, nonce: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(nonce));
  return `hkf_${base64url(new Uint8Array(mac))}`;
}
