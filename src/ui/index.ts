import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { sqlState } from '../db/errors.ts';
import type { AppEnv } from '../http/context.ts';
import type { Log } from '../http/log.ts';
import { apiClient } from './api-client.ts';
import { registerApplyPages } from './apply/routes.tsx';
import { registerAssets } from './assets/routes.ts';
import type { UiEnv } from './context.ts';
import { errorPage, forbiddenPage, notFoundPage } from './error-pages.tsx';
import { registerExpertPages } from './expert/routes.ts';
import { expertArea } from './expert/session.ts';
import { registerHome } from './home.tsx';
import { detectLanguage } from './i18n/lang.ts';
import { stringsFor } from './i18n/strings.ts';
import { PageNotFound, SignedOut } from './page-errors.ts';
import { formBodyLimit, pageHeaders, sameSitePosts } from './page-guards.ts';
import { registerPrivacy } from './privacy.tsx';
import { registerRequestPages } from './request/routes.tsx';
import { registerStaffPages } from './staff/routes.ts';
import { staffArea } from './staff/session.ts';

// The page areas; the API's paths (/v1, /health, /docs, /feeds) get none of the page middleware.
// ('/staff/*' covers /staff itself.)
const PAGE_PATHS = ['/', '/apply', '/apply/*', '/privacy', '/r/*', '/staff/*', '/expert/*'];

/**
 * The web pages (hono/jsx, rendered on the server): /apply, the company's /r/:token, the
 * programme office's /staff. They call the API in-process, so they hold no business rule.
 */
export function registerUi(app: OpenAPIHono<AppEnv>, log: Log) {
  const ui = new Hono<UiEnv>();
  const pageContext: MiddlewareHandler<UiEnv> = async (c, next) => {
    c.set('t', stringsFor(c.get('language')));
    c.set('api', apiClient(app, c));
    await next();
  };
  registerAssets(ui);
  for (const path of PAGE_PATHS) {
    ui.use(path, pageHeaders, detectLanguage, pageContext, sameSitePosts, formBodyLimit);
  }
  registerHome(ui);
  registerPrivacy(ui);
  registerApplyPages(ui);
  registerRequestPages(ui);
  registerStaffPages(ui);
  registerExpertPages(ui);
  for (const area of ['/r/*', '/staff/*', '/expert/*']) ui.all(area, (c) => notFoundPage(c));
  // Anything else a browser asks for that is not here is a page too; API clients keep their
  // problem+json (the app's notFound).
  const browserOnly: MiddlewareHandler<UiEnv> = async (c, next) => {
    if (c.req.path.startsWith('/v1/') || !(c.req.header('accept') ?? '').includes('text/html')) {
      return c.notFound();
    }
    await next();
  };
  ui.get('*', browserOnly, pageHeaders, detectLanguage, pageContext, (c) => notFoundPage(c));

  ui.onError(async (error, c) => {
    if (!c.get('t')) c.set('t', stringsFor('ja'));
    if (error instanceof PageNotFound) return notFoundPage(c);
    if (error instanceof HTTPException && error.status === 403) return forbiddenPage(c);
    if (error instanceof SignedOut) {
      const area = c.req.path.startsWith('/expert') ? expertArea : staffArea;
      await area.end(c);
      return c.redirect(`${area.nextOf(undefined)}/sign-in`, 303);
    }
    const state = sqlState(error);
    log('error', 'page error', {
      requestId: c.get('requestId'),
      error: state
        ? `database error ${state}`
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error),
    });
    return errorPage(c);
  });
  app.route('/', ui);
}
