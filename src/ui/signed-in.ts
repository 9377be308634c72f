import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { hashSecret } from '../auth/secrets.ts';
import {
  endWebSession,
  resolveWebSession,
  SESSION_MS,
  startWebSession,
  type WebSessionSubject,
} from '../auth/web-session.ts';
import type { Principal, Role } from '../http/context.ts';
import type { ApiResult } from './api-client.ts';
import type { UiEnv } from './context.ts';
import { forbiddenPage, readOnlyPage } from './error-pages.tsx';
import { readForm } from './form-values.ts';
import { PageNotFound, SignedOut } from './page-errors.ts';

/**
 * A browser signed in to an area of pages (the office's /staff, an expert's /expert): who it
 * acts for, and the CSRF token its forms carry, derived from the session's secret so any server
 * process can check it without storing it. The cookie, scoped to the area's path, holds only
 * that secret (src/auth/web-session.ts), which the API does not take as a token.
 */
export type SignedIn = { principal: Principal; secret: string; csrf: string };
export type SignedInEnv = UiEnv & { Variables: UiEnv['Variables'] & { session: SignedIn } };

const SECRET = /^[A-Za-z0-9_-]{43}$/;
const csrfOf = (secret: string) => hashSecret(`csrf:${secret}`);
// Secure whenever the site is served over https, also behind a proxy that ends TLS.
const secure = <E extends UiEnv>(c: Context<E>) =>
  [c.req.url, c.get('deps').config.publicBaseUrl].some((url) => url.startsWith('https:'));

export type AreaOptions = { cookie: string; path: '/staff' | '/expert'; roles: Role[] };

/** The sign-in machinery of one area: its cookie, its guard, its way of calling the API. */
export function signedInArea({ cookie, path, roles }: AreaOptions) {
  async function sessionOf<E extends UiEnv>(c: Context<E>): Promise<SignedIn | null> {
    const secret = getCookie(c, cookie) ?? '';
    if (!SECRET.test(secret)) return null;
    const { db, clock, config } = c.get('deps');
    const principal = await resolveWebSession(db, secret, clock(), {
      bootstrapStaff: config.staffToken !== undefined,
    });
    return principal && roles.includes(principal.role)
      ? { principal, secret, csrf: csrfOf(secret) }
      : null;
  }

  /** Starts a session for `subject` and sets its cookie. */
  async function start(c: Context<UiEnv>, subject: WebSessionSubject) {
    const { db, clock } = c.get('deps');
    setCookie(c, cookie, await startWebSession(db, subject, clock()), {
      httpOnly: true,
      sameSite: 'Strict',
      path,
      secure: secure(c),
      maxAge: SESSION_MS / 1000,
    });
  }

  /** Ends the browser's session on the server and drops its cookie. */
  async function end<E extends UiEnv>(c: Context<E>) {
    const secret = getCookie(c, cookie);
    if (secret && SECRET.test(secret)) {
      const { db, clock } = c.get('deps');
      await endWebSession(db, secret, clock());
    }
    deleteCookie(c, cookie, { path, secure: secure(c) });
  }

  /**
   * A page of the area for `allowed` roles: signed in (else to the sign-in page, which brings
   * the browser back here), one of them (403 if not), and on POST the session's CSRF token in
   * the form (403 if not).
   */
  const guard =
    (allowed: Role[]): MiddlewareHandler<SignedInEnv> =>
    async (c, next) => {
      const session = await sessionOf(c);
      if (!session) {
        const url = new URL(c.req.url);
        const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : path;
        return c.redirect(`${path}/sign-in?next=${encodeURIComponent(back)}`, 303);
      }
      if (!allowed.includes(session.principal.role)) return readOnlyPage(c);
      if (c.req.method === 'POST' && (await readForm(c)).get('csrf') !== session.csrf) {
        return forbiddenPage(c);
      }
      c.set('session', session);
      await next();
    };

  /** Where to go after signing in: a page of this area, or its front page. */
  function nextOf(asked: string | undefined): string {
    const inArea = new RegExp(`^${path}(?:[/?]|$)`);
    return asked && inArea.test(asked) && !asked.startsWith(`${path}/sign-`) ? asked : path;
  }

  return { sessionOf, start, end, required: guard(roles), only: guard, nextOf };
}

/** An API call as the signed-in browser; a session the API refuses is signed out. */
export async function asSignedIn<T>(
  c: Context<SignedInEnv>,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  const result = await c
    .get('api')
    .json<T>(method, path, { principal: c.get('session').principal, body });
  if (result.status === 401) throw new SignedOut();
  return result;
}

/** A read the page cannot do without: unknown ids are a 404 page, anything else an error. */
export async function readSignedIn<T>(c: Context<SignedInEnv>, path: string): Promise<T> {
  const result = await asSignedIn<T>(c, 'GET', path);
  if (result.ok) return result.body;
  if (result.status === 404 || result.status === 400) throw new PageNotFound();
  throw new Error(`GET ${path} answered ${result.status} ${result.problem.code}`);
}
