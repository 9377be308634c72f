import { createHash } from 'node:crypto';
import { base64url } from './base64url.ts';

/** A new bearer secret: a readable prefix for the role, then 256 random bits. */
export function newSecret(prefix: string): string {
  return `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * What the database stores in place of a secret. node:crypto (Workers have it under
 * nodejs_compat) rather than Web Crypto: every authenticated request hashes its token, and
 * `crypto.subtle.digest` costs a job and a promise each time, several percent of a request.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
