import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { hashSecret } from '../../auth/secrets.ts';
import {
  endWebSession,
  resolveWebSession,
  SESSION_MS,
  startWebSession,
  type WebSessionSubject,
} from '../../auth/web-session.ts';
import type { Principal } from '../../http/context.ts';
import type { ApiResult } from '../api-client.ts';
import type { UiEnv } from '../context.ts';
import { forbiddenPage } from '../error-pages.tsx';
import { readForm } from '../form-values.ts';
import { PageNotFound, SignedOut } from '../page-errors.ts';

const COOKIE = 'haken_staff';
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * A browser's staff session: who it acts for, and the CSRF token its forms carry, derived from
 * the session's secret so any server process can check it without storing it. The cookie
 * holds only that secret (src/auth/web-session.ts), which the API does not take as a token.
 */
export type StaffSession = { principal: Principal; secret: string; csrf: string };
export type StaffEnv = UiEnv & { Variables: UiEnv['Variables'] & { staff: StaffSession } };

const csrfOf = (secret: string) => hashSecret(`csrf:${secret}`);
// Secure whenever the site is served over https, also behind a proxy that ends TLS.
const secure = <E extends UiEnv>(c: Context<E>) =>
  [c.req.url, c.get('deps').config.publicBaseUrl].some((url) => url.startsWith('https:'));

async function sessionOf<E extends UiEnv>(c: Context<E>): Promise<StaffSession | null> {
  const secret = getCookie(c, COOKIE) ?? '';
  if (!SECRET.test(secret)) return null;
  const { db, clock, config } = c.get('deps');
  const principal = await resolveWebSession(db, secret, clock(), {
    bootstrapStaff: config.staffToken !== undefined,
  });
  return principal?.role === 'staff' ? { principal, secret, csrf: csrfOf(secret) } : null;
}

export async function startSession(c: Context<UiEnv>, subject: WebSessionSubject) {
  const { db, clock } = c.get('deps');
  setCookie(c, COOKIE, await startWebSession(db, subject, clock()), {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/staff',
    secure: secure(c),
    maxAge: SESSION_MS / 1000,
  });
}

export async function endSession<E extends UiEnv>(c: Context<E>) {
  const secret = getCookie(c, COOKIE);
  if (secret && SECRET.test(secret)) {
    const { db, clock } = c.get('deps');
    await endWebSession(db, secret, clock());
  }
  deleteCookie(c, COOKIE, { path: '/staff', secure: secure(c) });
}

/**
 * A staff page: signed in (else to the sign-in page, which brings the browser back here), and
 * on POST the session's CSRF token in the form (403 if not).
 */
export const requireStaff: MiddlewareHandler<StaffEnv> = async (c, next) => {
  const session = await sessionOf(c);
  if (!session) {
    const url = new URL(c.req.url);
    const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : '/staff';
    return c.redirect(`/staff/sign-in?next=${encodeURIComponent(back)}`, 303);
  }
  if (c.req.method === 'POST' && (await readForm(c)).get('csrf') !== session.csrf) {
    return forbiddenPage(c);
  }
  c.set('staff', session);
  await next();
};

/** An API call as the signed-in staff; a session the API refuses is signed out. */
export async function asStaff<T>(
  c: Context<StaffEnv>,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  const result = await c
    .get('api')
    .json<T>(method, path, { principal: c.get('staff').principal, body });
  if (result.status === 401) throw new SignedOut();
  return result;
}

/** A read the page cannot do without: unknown ids are a 404 page, anything else an error. */
export async function readAsStaff<T>(c: Context<StaffEnv>, path: string): Promise<T> {
  const result = await asStaff<T>(c, 'GET', path);
  if (result.ok) return result.body;
  if (result.status === 404 || result.status === 400) throw new PageNotFound();
  throw new Error(`GET ${path} answered ${result.status} ${result.problem.code}`);
}
