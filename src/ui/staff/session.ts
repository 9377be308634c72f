import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { hashSecret } from '../../auth/secrets.ts';
import type { ApiResult } from '../api-client.ts';
import type { UiEnv } from '../context.ts';
import { forbiddenPage } from '../error-pages.tsx';
import { readForm } from '../form-values.ts';
import { PageNotFound, SignedOut } from '../page-errors.ts';

const COOKIE = 'haken_staff';
const SESSION_SECONDS = 8 * 3600;
const VALUE = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{1,200})$/;

/**
 * A browser's staff session: a staff token issued for it at sign-in (so signing out revokes
 * it, and the token typed in never sits in a cookie), and the CSRF token its forms carry,
 * derived from the session token so any server process can check it without storing it.
 */
export type StaffSession = { tokenId: string; token: string; csrf: string };
export type StaffEnv = UiEnv & { Variables: UiEnv['Variables'] & { staff: StaffSession } };

const csrfOf = (token: string) => hashSecret(`csrf:${token}`);
// Secure whenever the site is served over https, also behind a proxy that ends TLS.
const secure = <E extends UiEnv>(c: Context<E>) =>
  [c.req.url, c.get('deps').config.publicBaseUrl].some((url) => url.startsWith('https:'));

function sessionOf(c: Context): StaffSession | null {
  const match = VALUE.exec(getCookie(c, COOKIE) ?? '');
  if (!match?.[1] || !match[2]) return null;
  return { tokenId: match[1], token: match[2], csrf: csrfOf(match[2]) };
}

export function startSession(c: Context<UiEnv>, issued: { id: string; token: string }) {
  setCookie(c, COOKIE, `${issued.id}.${issued.token}`, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/staff',
    secure: secure(c),
    maxAge: SESSION_SECONDS,
  });
}

export function endSession<E extends UiEnv>(c: Context<E>) {
  deleteCookie(c, COOKIE, { path: '/staff', secure: secure(c) });
}

/** A staff page: signed in, and on POST the session's CSRF token in the form (403 if not). */
export const requireStaff: MiddlewareHandler<StaffEnv> = async (c, next) => {
  const session = sessionOf(c);
  if (!session) return c.redirect('/staff/sign-in', 303);
  if (c.req.method === 'POST' && (await readForm(c)).get('csrf') !== session.csrf) {
    return forbiddenPage(c);
  }
  c.set('staff', session);
  await next();
};

/** An API call as the signed-in staff; a token the API refuses ends the session. */
export async function asStaff<T>(
  c: Context<StaffEnv>,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  const result = await c.get('api').json<T>(method, path, { token: c.get('staff').token, body });
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
