import type { Context, Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import { ApiError } from '../../http/errors.ts';
import type { UiEnv } from '../context.ts';
import { Alert, Notice } from '../fields.tsx';
import { readForm } from '../form-values.ts';
import { registerLinkSignIn } from '../link-sign-in.tsx';
import { renderPage } from '../render.tsx';
import { requireStaff, staffArea } from './session.ts';

export function registerSignIn(ui: Hono<UiEnv>) {
  ui.get('/staff/sign-in', (c) =>
    signInPage(c, {
      signedOut: c.req.query('notice') === 'signed-out',
      next: staffArea.nextOf(c.req.query('next')),
    }),
  );

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
    if (principal?.role !== 'staff') {
      c.set('credentialRefused', true);
      return signInPage(c, { failed: c.get('t').signInFailed, status: 401, next });
    }
    await staffArea.start(c, { role: 'staff', tokenId: principal.tokenId });
    return c.redirect(next, 303);
  });

  registerLinkSignIn(ui, staffArea, '/staff');

  ui.post('/staff/sign-out', requireStaff, async (c) => {
    await staffArea.end(c);
    return c.redirect('/staff/sign-in?notice=signed-out', 303);
  });
}

type Shown = { signedOut?: boolean; failed?: string; status?: 401 | 429; next: string };

function signInPage(c: Context<UiEnv>, { signedOut, failed, status, next }: Shown) {
  const t = c.get('t');
  return renderPage(
    c,
    { title: t.signInTitle, status: status ?? 200, path: '/staff/sign-in' },
    <>
      <h1>{t.signInTitle}</h1>
      {signedOut && <Notice>{t.signedOut}</Notice>}
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
