import type { Context } from 'hono';
import type { UiEnv } from './context.ts';
import { renderPage } from './render.tsx';

function simplePage<E extends UiEnv>(
  c: Context<E>,
  status: 403 | 404 | 413 | 500,
  title: string,
  message: string,
) {
  const t = c.get('t');
  return renderPage(
    c,
    { title, status, path: '/' },
    <>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">{t.backHome}</a>
      </p>
    </>,
  );
}

export const notFoundPage = <E extends UiEnv>(c: Context<E>, message?: string) =>
  simplePage(c, 404, c.get('t').notFoundTitle, message ?? c.get('t').notFoundLead);

export const forbiddenPage = <E extends UiEnv>(c: Context<E>) =>
  simplePage(c, 403, c.get('t').forbiddenTitle, c.get('t').forbiddenLead);

/** A viewer (read-only) at a page or form that changes something. */
export const readOnlyPage = <E extends UiEnv>(c: Context<E>) =>
  simplePage(c, 403, c.get('t').forbiddenTitle, c.get('t').readOnlyLead);

export const errorPage = <E extends UiEnv>(c: Context<E>, status: 413 | 500 = 500) =>
  simplePage(c, status, c.get('t').errorTitle, c.get('t').errorLead);
