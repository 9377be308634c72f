import type { Hono } from 'hono';
import { etag } from 'hono/etag';
import type { UiEnv } from '../context.ts';
import { corporateNumberScript } from './corporate-number-script.ts';
import { faviconIco, faviconSvg } from './favicon.ts';
import { stylesheet } from './stylesheet.ts';

const asset = (body: string, type: string) => ({
  body,
  headers: { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-cache' },
});

const assets = {
  '/ui/style.css': asset(stylesheet, 'text/css'),
  '/ui/corporate-number.js': asset(corporateNumberScript, 'text/javascript'),
  '/ui/favicon.svg': asset(faviconSvg, 'image/svg+xml'),
};

/** The stylesheet and the one script, revalidated by ETag so a deploy is seen at once. */
export function registerAssets(ui: Hono<UiEnv>) {
  for (const [path, { body, headers }] of Object.entries(assets)) {
    ui.get(path, etag(), (c) => c.body(body, 200, headers));
  }
  ui.get('/favicon.ico', etag(), (c) =>
    c.body(faviconIco, 200, { 'Content-Type': 'image/x-icon', 'Cache-Control': 'max-age=86400' }),
  );
}
