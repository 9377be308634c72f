import type { Hono } from 'hono';
import type { UiEnv } from './context.ts';
import { renderPage } from './render.tsx';

/**
 * The handling of personal information, as the application form links it when the office has
 * not set PRIVACY_POLICY_URL to its own text.
 */
export function registerPrivacy(ui: Hono<UiEnv>) {
  ui.get('/privacy', (c) => {
    const t = c.get('t');
    const office = c.get('deps').config;
    return renderPage(
      c,
      { title: t.privacyTitle },
      <>
        <h1>{t.privacyTitle}</h1>
        {t.privacyPolicy.map((paragraph) => (
          <p>{paragraph}</p>
        ))}
        <p>{t.officeContact(office.officeEmail, office.officePhone)}</p>
      </>,
    );
  });
}
