import type { Context, Hono } from 'hono';
import type { UiEnv } from '../context.ts';
import { ErrorSummary, Field, Notice } from '../fields.tsx';
import { redirectWith, takeFlash } from '../flash.ts';
import { formValues, readForm } from '../form-values.ts';
import { registerLinkSignIn } from '../link-sign-in.tsx';
import { renderPage } from '../render.tsx';
import { expertArea, requireExpert } from './session.ts';

/** /expert/sign-in: ask for a one-time link by email; follow it; sign out. */
export function registerExpertSignIn(ui: Hono<UiEnv>) {
  ui.get('/expert/sign-in', async (c) => signInPage(c));

  // The answer is the same whether or not the address is known: the API says nothing either.
  ui.post('/expert/sign-in', async (c) => {
    const form = await readForm(c);
    const t = c.get('t');
    const asked = await c
      .get('api')
      .json('POST', '/v1/sign-in-links', { body: { email: form.get('email') } });
    if (asked.ok) return redirectWith(c, '/expert/sign-in', { notice: 'linkSent' });
    if (asked.status === 400) {
      return redirectWith(c, '/expert/sign-in', {
        errors: { email: t.fieldErrors['contact.email'] ?? asked.problem.detail },
        values: form.fields(),
      });
    }
    if (asked.status === 429) {
      return redirectWith(c, '/expert/sign-in', { problem: t.problems['rate-limited'] });
    }
    throw new Error(`sign-in link answered ${asked.status}`);
  });

  registerLinkSignIn(ui, expertArea, '/expert');

  ui.post('/expert/sign-out', requireExpert, async (c) => {
    await expertArea.end(c);
    return redirectWith(c, '/expert/sign-in', { notice: 'signedOut' });
  });
}

async function signInPage(c: Context<UiEnv>) {
  const t = c.get('t');
  const flash = await takeFlash(c);
  const errors = flash.errors ?? {};
  const values = formValues(flash.values);
  return renderPage(
    c,
    { title: t.expertSignInTitle, errors: Object.keys(errors).length > 0 },
    <>
      <h1>{t.expertSignInTitle}</h1>
      {flash.notice && <Notice>{t.notices[flash.notice]}</Notice>}
      {flash.problem && (
        <div class="alert" role="alert">
          {flash.problem}
        </div>
      )}
      <ErrorSummary title={t.errorSummary(Object.keys(errors).length)} errors={errors} />
      <form method="post" action="/expert/sign-in" class="panel" novalidate>
        <p>{t.expertSignInLead}</p>
        <Field
          t={t}
          name="email"
          label={t.email}
          error={errors.email}
          required
          control={(wiring) => (
            <input
              {...wiring}
              type="email"
              value={values.get('email')}
              required
              autocomplete="email"
            />
          )}
        />
        <div class="actions">
          <button type="submit">{t.expertSignInSend}</button>
        </div>
      </form>
    </>,
  );
}
