import type { Strings } from '../i18n/strings.ts';

/** The answer to a successful application: the status link, shown this once, in full. */
export function Applied({ t, token, base }: { t: Strings; token: string; base: string }) {
  const path = `/r/${token}`;
  return (
    <>
      <h1>{t.appliedTitle}</h1>
      <div class="notice" role="status">
        <p>{t.appliedLead}</p>
        <p class="token-box">
          <a href={path} id="status-link">
            {`${base}${path}`}
          </a>
        </p>
        <p>
          <strong>{t.appliedKeep}</strong>
        </p>
      </div>
      <p>
        <a class="button" href={path}>
          {t.appliedOpen}
        </a>
      </p>
    </>
  );
}
