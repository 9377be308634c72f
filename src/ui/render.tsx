import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { UiEnv } from './context.ts';
import { switchedHref } from './i18n/lang.ts';
import { Layout } from './layout.tsx';

export type PageOptions = {
  title: string;
  status?: ContentfulStatusCode;
  /** Where the language switch leads; by default this URL (a form's answer names its page). */
  path?: string;
  nav?: Child;
  scripts?: string[];
  /** The page shows a form sent back with errors: its title says so first. */
  errors?: boolean;
};

/** A whole page in the layout, as HTML5 with its doctype. */
export async function renderPage<E extends UiEnv>(
  c: Context<E>,
  options: PageOptions,
  body: Child,
) {
  const t = c.get('t');
  const url = options.path ? new URL(options.path, c.req.url).toString() : c.req.url;
  const page = (
    <Layout
      t={t}
      title={options.errors ? `${t.errorTitlePrefix}${options.title}` : options.title}
      switchHref={switchedHref(url, t.lang === 'ja' ? 'en' : 'ja')}
      nav={options.nav}
      scripts={options.scripts}
    >
      {body}
    </Layout>
  );
  return c.html(`<!doctype html>${await page.toString()}`, options.status ?? 200);
}
