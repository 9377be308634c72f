import type { Context, Hono } from 'hono';
import { redeemSignInLink } from '../auth/sign-in-link.ts';
import type { UiEnv } from './context.ts';
import { renderPage } from './render.tsx';
import type { signedInArea } from './signed-in.ts';

/**
 * Following a one-time sign-in link (/staff/sign-in/:secret, /expert/sign-in/:secret): the GET
 * only shows a button, since mail scanners open links and would use the link up; the POST uses
 * it and starts the browser's session. A link that is unknown, used or expired counts as a
 * failed credential (src/http/rate-limit.ts).
 */
export function registerLinkSignIn(
  ui: Hono<UiEnv>,
  area: ReturnType<typeof signedInArea>,
  path: '/staff' | '/expert',
) {
  ui.get(`${path}/sign-in/:secret`, (c) => {
    const t = c.get('t');
    return renderPage(
      c,
      { title: t.linkSignInTitle },
      <>
        <h1>{t.linkSignInTitle}</h1>
        <form method="post" action={c.req.path} class="panel">
          <p>{t.linkSignInLead}</p>
          <button type="submit">{t.linkSignInButton}</button>
        </form>
      </>,
    );
  });

  ui.post(`${path}/sign-in/:secret`, async (c) => {
    const { db, clock } = c.get('deps');
    const subject = await redeemSignInLink(db, c.req.param('secret'), clock());
    const wanted = path === '/expert' ? 'expert' : 'staff';
    if (subject?.role !== wanted) {
      c.set('credentialRefused', true);
      return linkUsed(c, path);
    }
    await area.start(c, subject);
    return c.redirect(path, 303);
  });
}

function linkUsed(c: Context<UiEnv>, path: '/staff' | '/expert') {
  const t = c.get('t');
  return renderPage(
    c,
    { title: t.linkUsedTitle, status: 404 },
    <>
      <h1>{t.linkUsedTitle}</h1>
      <p>{t.linkUsedLead}</p>
      <p>
        {path === '/expert' ? (
          <a class="button" href="/expert/sign-in">
            {t.linkUsedExpert}
          </a>
        ) : (
          t.linkUsedStaff
        )}
      </p>
    </>,
  );
}
