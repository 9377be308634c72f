import { eq, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { pageFlashes } from '../db/schema.ts';
import type { Db } from '../db/types.ts';
import { HOUR_MS } from '../domain/time.ts';
import type { UiEnv } from './context.ts';
import type { FieldErrors } from './fields.tsx';

// Post/Redirect/Get: every form POST answers with a redirect, so a reload or the Back button
// never posts again and no notice lives on in a bookmarked URL. What the POST has to say to
// the page it redirects to rides in a flash: a row read once, behind a random id in a cookie.

const COOKIE = 'haken_flash';
const ID = /^[0-9a-f-]{36}$/;
/** A flash not read within this long (a closed tab) is deleted by housekeeping. */
const FLASH_MS = HOUR_MS;

export type Flash = {
  /** A key of the page strings' `notices`. */
  notice?: string;
  /** A problem to show, in the page language already. */
  problem?: string;
  /** A form sent back: its errors by field, and what was typed. */
  errors?: FieldErrors;
  values?: Record<string, string[]>;
};

/** Redirects (303) to `location`, carrying `flash` to the page there. */
export async function redirectWith<E extends UiEnv>(c: Context<E>, location: string, flash: Flash) {
  const { db, clock } = c.get('deps');
  const id = crypto.randomUUID();
  // A form's CSRF token is the page's to write afresh, never to carry over.
  const { csrf: _, ...values } = flash.values ?? {};
  const data = flash.values ? { ...flash, values } : flash;
  await db.insert(pageFlashes).values({ id, data, createdAt: clock() });
  setCookie(c, COOKIE, id, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: FLASH_MS / 1000 });
  return c.redirect(location, 303);
}

/** The flash waiting for this page, once: it is gone after this read. */
export async function takeFlash<E extends UiEnv>(c: Context<E>): Promise<Flash> {
  const id = getCookie(c, COOKIE);
  if (!id) return {};
  deleteCookie(c, COOKIE, { path: '/' });
  if (!ID.test(id)) return {};
  const [row] = await c
    .get('deps')
    .db.delete(pageFlashes)
    .where(eq(pageFlashes.id, id))
    .returning({ data: pageFlashes.data });
  return (row?.data as Flash | undefined) ?? {};
}

/** Deletes flashes nobody came back for; returns how many. */
export async function forgetStaleFlashes(db: Db, now: Date): Promise<{ forgotten: number }> {
  const gone = await db
    .delete(pageFlashes)
    .where(lt(pageFlashes.createdAt, new Date(now.getTime() - FLASH_MS)))
    .returning({ id: pageFlashes.id });
  return { forgotten: gone.length };
}
