import { base64url } from './base64url.ts';

const encoder = new TextEncoder();

/** A new bearer secret: a readable prefix for the role, then 256 random bits. */
export function newSecret(prefix: string): string {
  return `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** What the database stores in place of a secret (Web Crypto, so Workers run it too). */
export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(secret));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
