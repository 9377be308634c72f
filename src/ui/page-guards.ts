import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { MAX_RECEIPT_BYTES } from '../domain/travel.ts';
import { REFUSED_BODY_HEADERS } from '../http/refused-body.ts';
import type { UiEnv } from './context.ts';
import { errorPage } from './error-pages.tsx';

const MAX_FORM_BYTES = 64 * 1024;

/**
 * No inline script or style anywhere (the one script and the stylesheet are files of this
 * origin), no framing, forms post only here; pages carry tokens and personal data, so no
 * cache keeps them.
 */
const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
});

export const pageHeaders: MiddlewareHandler<UiEnv> = async (c, next) => {
  await headers(c, next);
  c.header('Cache-Control', 'no-store');
};

/**
 * A page form must come from a page of this site: Hono's check of Sec-Fetch-Site, or else of
 * Origin (this origin, or PUBLIC_BASE_URL's behind a proxy). A refusal is an HTTPException
 * 403, which the pages' error handler shows as a page. Staff forms also carry a per-session
 * token (staff/session.ts).
 */
export const sameSitePosts = csrf({
  origin: (origin, c) =>
    origin === new URL(c.req.url).origin ||
    origin === new URL((c as Context<UiEnv>).get('deps').config.publicBaseUrl).origin,
});

/** The one page form that carries a file: an expert's receipt (at most 5 MiB) for a claim. */
const RECEIPT_UPLOAD = /^\/expert\/visits\/[^/]+\/travel\/receipts$/;

const limitOf = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: async (c) => {
      const page = await errorPage(c as Context<UiEnv>, 413);
      for (const [name, value] of Object.entries(REFUSED_BODY_HEADERS)) {
        page.headers.set(name, value);
      }
      return page;
    },
  });
const pageForm = limitOf(MAX_FORM_BYTES);
// The receipt with room for the rest of the multipart body (its CSRF field, part headers).
const receiptForm = limitOf(MAX_RECEIPT_BYTES + MAX_FORM_BYTES);

/** A page form's body: 64 KiB, or a receipt's 5 MiB on the receipt upload alone. */
export const formBodyLimit: MiddlewareHandler<UiEnv> = (c, next) =>
  c.req.method === 'POST' && RECEIPT_UPLOAD.test(c.req.path)
    ? receiptForm(c, next)
    : pageForm(c, next);
