import { base64url } from '../auth/base64url.ts';
import type { Db } from '../db/types.ts';
import { feedKey } from '../feeds/feed-token.ts';

// Webhook signing secrets are derived like feed URLs: HMAC(server key, nonce), the key being
// FEED_SECRET or the one the service generated (src/feeds/feed-token.ts). The webhooks table
// keeps only the nonce, so a copy of the table alone cannot sign; the secret is re-derived
// whenever a delivery is signed. The "webhook:" prefix keeps these apart from feed secrets.

const encoder = new TextEncoder();
const PREFIX = 'whsec_';

export function newNonce(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(24)));
}

/** The endpoint's secret in Standard Webhooks form: `whsec_` + base64 of the key bytes. */
export async function webhookSecret(
  db: Db,
  configured: string | undefined,
  nonce: string,
): Promise<string> {
  const key = await feedKey(db, configured);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`webhook:${nonce}`));
  return `${PREFIX}${base64(new Uint8Array(mac))}`;
}

/**
 * One Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 over `id.timestamp.body`,
 * keyed with the secret's bytes.
 */
export async function signature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    fromBase64(secret.slice(PREFIX.length)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${base64(new Uint8Array(mac))}`;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
