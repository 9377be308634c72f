import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Strings } from '../i18n/strings.ts';
import { type PageOptions, renderPage } from '../render.tsx';
import type { StaffEnv } from './session.ts';

type Area = 'requests' | 'experts' | 'reports';

/** The session's CSRF token, in every staff form that posts. */
export const CsrfField = ({ csrf }: { csrf: string }) => (
  <input type="hidden" name="csrf" value={csrf} />
);

function StaffNav({ t, current, csrf }: { t: Strings; current: Area; csrf: string }) {
  const links: [Area, string, string][] = [
    ['requests', '/staff', t.navRequests],
    ['experts', '/staff/experts', t.navExperts],
    ['reports', '/staff/reports', t.navReports],
  ];
  return (
    <nav aria-label={t.mainNav}>
      <ul>
        {links.map(([area, href, label]) => (
          <li>
            <a href={href} aria-current={area === current ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
        <li>
          <form method="post" action="/staff/sign-out">
            <CsrfField csrf={csrf} />
            <button type="submit" class="link-button">
              {t.signOut}
            </button>
          </form>
        </li>
      </ul>
    </nav>
  );
}

/** A page of the staff area, with its navigation. */
export function staffPage(
  c: Context<StaffEnv>,
  options: Omit<PageOptions, 'nav'> & { area: Area },
  body: Child,
) {
  return renderPage(
    c,
    {
      ...options,
      nav: <StaffNav t={c.get('t')} current={options.area} csrf={c.get('staff').csrf} />,
    },
    body,
  );
}
