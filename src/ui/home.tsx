import type { Hono } from 'hono';
import type { UiEnv } from './context.ts';
import { renderPage } from './render.tsx';

export function registerHome(ui: Hono<UiEnv>) {
  ui.get('/', (c) => {
    const t = c.get('t');
    return renderPage(
      c,
      { title: t.homeTitle },
      <>
        <h1>{t.homeTitle}</h1>
        <p class="lead">{t.homeLead}</p>
        <section class="panel">
          <h2>{t.homeApply}</h2>
          <p>{t.homeApplyText}</p>
          <p>
            <a class="button" href="/apply">
              {t.homeApply}
            </a>
          </p>
        </section>
        <p class="actions">
          <a href="/staff">{t.homeStaff}</a>
          <a href="/docs">{t.homeApi}</a>
        </p>
      </>,
    );
  });
}
