import type { Child } from 'hono/jsx';
import type { Strings } from './i18n/strings.ts';

type LayoutProps = {
  t: Strings;
  title: string;
  /** This page in the other language. */
  switchHref: string;
  /** The area's navigation (staff), shown in the header. */
  nav?: Child;
  /** External scripts ('self' only: the CSP allows no inline script). */
  scripts?: string[];
  children?: Child;
};

export function Layout({ t, title, switchHref, nav, scripts = [], children }: LayoutProps) {
  return (
    <html lang={t.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | ${t.siteName}`}</title>
        <link rel="stylesheet" href="/ui/style.css" />
        <link rel="icon" href="/ui/favicon.svg" type="image/svg+xml" />
        {scripts.map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skipToContent}
        </a>
        <header class="site">
          <div class="bar">
            <a class="brand" href="/">
              {t.siteName}
            </a>
            {nav}
            <a
              class="lang-switch"
              href={switchHref}
              lang={t.lang === 'ja' ? 'en' : 'ja'}
              aria-label={t.switchLanguageLabel}
            >
              {t.switchLanguage}
            </a>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {children}
        </main>
        <footer>{t.footer}</footer>
      </body>
    </html>
  );
}
