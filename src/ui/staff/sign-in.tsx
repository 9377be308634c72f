import type { Context, Hono } from 'hono';
import type { UiEnv } from '../context.ts';
import { Alert, Notice } from '../fields.tsx';
import { readForm } from '../form-values.ts';
import { renderPage } from '../render.tsx';
import { asStaff, endSession, requireStaff, startSession } from './session.ts';

const SESSION_LABEL = 'web sign-in';

export function registerSignIn(ui: Hono<UiEnv>) {
  ui.get('/staff/sign-in', (c) =>
    signInPage(c, { signedOut: c.req.query('notice') === 'signed-out' }),
  );

  // Signing in issues a staff token for this browser with the one typed in: the API decides
  // whether that one is a staff token, and the session can be revoked on its own.
  ui.post('/staff/sign-in', async (c) => {
    const typed = (await readForm(c)).get('token');
    const issued = await c.get('api').json<{ id: string; token: string }>('POST', '/v1/tokens', {
      token: typed,
      body: { role: 'staff', label: SESSION_LABEL },
    });
    if (!issued.ok) {
      const t = c.get('t');
      if (issued.status === 429) {
        return signInPage(c, { failed: t.problems['rate-limited'], status: 429 });
      }
      if (issued.status >= 500) throw new Error(`sign-in answered ${issued.status}`);
      return signInPage(c, { failed: t.signInFailed, status: 401 });
    }
    startSession(c, issued.body);
    return c.redirect('/staff', 303);
  });

  ui.post('/staff/sign-out', requireStaff, async (c) => {
    await asStaff(c, 'DELETE', `/v1/tokens/${c.get('staff').tokenId}`);
    endSession(c);
    return c.redirect('/staff/sign-in?notice=signed-out', 303);
  });
}

type Shown = { signedOut?: boolean; failed?: string; status?: 401 | 429 };

function signInPage(c: Context<UiEnv>, { signedOut, failed, status }: Shown) {
  const t = c.get('t');
  return renderPage(
    c,
    { title: t.signInTitle, status: status ?? 200, path: '/staff/sign-in' },
    <>
      <h1>{t.signInTitle}</h1>
      {signedOut && <Notice>{t.signedOut}</Notice>}
      {failed && <Alert>{failed}</Alert>}
      <form method="post" action="/staff/sign-in" class="panel">
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
