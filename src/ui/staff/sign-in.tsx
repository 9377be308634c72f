import type { Context, Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import { ApiError } from '../../http/errors.ts';
import type { UiEnv } from '../context.ts';
import { Alert, Notice } from '../fields.tsx';
import { redirectWith, takeFlash } from '../flash.ts';
import { readForm } from '../form-values.ts';
import { registerLinkSignIn } from '../link-sign-in.tsx';
import { renderPage } from '../render.tsx';
import { requireReader, staffArea } from './session.ts';

export function registerSignIn(ui: Hono<UiEnv>) {
  ui.get('/staff/sign-in', async (c) => {
    const flash = await takeFlash(c);
    return signInPage(c, {
      notice: c.get('t').notices[flash.notice ?? ''],
      failed: flash.problem,
      next: staffArea.nextOf(c.req.query('next')),
    });
  });

  // The token typed in is judged as the API judges a bearer token; the browser then holds a
  // session of its own, which ends with that token, and never the token itself. A wrong token
  // counts toward the failed-credential limit, as a wrong Authorization header does.
  ui.post('/staff/sign-in', async (c) => {
    const form = await readForm(c);
    const next = staffArea.nextOf(form.get('next'));
    const principal = await principalOf(c.get('deps'), form.get('token')).catch((error) => {
      if (error instanceof ApiError && error.code === 'unauthorized') return null;
      throw error;
    });
    if (principal?.role !== 'staff' && principal?.role !== 'viewer') {
      c.set('credentialRefused', true);
      const again = `/staff/sign-in?${new URLSearchParams({ next })}`;
      return redirectWith(c, again, { problem: c.get('t').signInFailed });
    }
    await staffArea.start(
      c,
      principal.role === 'viewer'
        ? { role: 'viewer', tokenId: principal.tokenId }
        : { role: 'staff', tokenId: principal.tokenId },
    );
    return c.redirect(next, 303);
  });

  registerLinkSignIn(ui, staffArea, '/staff');

  // A viewer signs out as staff do: it changes nothing but the browser's own session.
  ui.post('/staff/sign-out', requireReader, async (c) => {
    await staffArea.end(c);
    return redirectWith(c, '/staff/sign-in', { notice: 'signedOut' });
  });
}

type Shown = { notice?: string; failed?: string; next: string };

function signInPage(c: Context<UiEnv>, { notice, failed, next }: Shown) {
  const t = c.get('t');
  return renderPage(
    c,
    { title: t.signInTitle, path: '/staff/sign-in', errors: failed !== undefined },
    <>
      <h1>{t.signInTitle}</h1>
      {notice && <Notice>{notice}</Notice>}
      {failed && <Alert>{failed}</Alert>}
      <form method="post" action="/staff/sign-in" class="panel">
        <input type="hidden" name="next" value={next} />
        <div class="field">
          <label for="token">{t.staffToken}</label>
          <span class="hint" id="token-hint">
            {t.signInLead}
          </span>
          <input
            type="password"
            id="token"
            name="token"
            required
            autocomplete="current-password"
            aria-describedby="token-hint"
            aria-invalid={failed ? 'true' : undefined}
          />
        </div>
        <div class="actions">
          <button type="submit">{t.signIn}</button>
        </div>
      </form>
    </>,
  );
}
