import { languageDetector } from 'hono/language';

export type Lang = 'ja' | 'en';

const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Japanese first: English only when asked for with ?lang=en, then remembered in a cookie
 * (not sent cross-site, not readable by script). Accept-Language is not consulted.
 */
export const detectLanguage = languageDetector({
  order: ['querystring', 'cookie'],
  lookupQueryString: 'lang',
  lookupCookie: 'haken_lang',
  supportedLanguages: ['ja', 'en'],
  fallbackLanguage: 'ja',
  caches: ['cookie'],
  cookieOptions: {
    path: '/',
    sameSite: 'Lax',
    secure: false,
    httpOnly: true,
    maxAge: YEAR_SECONDS,
  },
});

/** This page in the other language: the same path and query with `lang` switched. */
export function switchedHref(url: string, to: Lang): string {
  const target = new URL(url);
  target.searchParams.set('lang', to);
  return `${target.pathname}${target.search}`;
}
