import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Strings } from './i18n/strings.ts';
import { type PageOptions, renderPage } from './render.tsx';
import type { SignedInEnv } from './signed-in.ts';

/** The session's CSRF token, in every form of a signed-in area that posts. */
export const CsrfField = ({ csrf }: { csrf: string }) => (
  <input type="hidden" name="csrf" value={csrf} />
);

export type AreaLink = { key: string; href: string; label: string };

function AreaNav(props: {
  t: Strings;
  links: AreaLink[];
  current: string;
  csrf: string;
  signOut: string;
}) {
  const { t, links, current, csrf, signOut } = props;
  return (
    <nav aria-label={t.mainNav}>
      <ul>
        {links.map((link) => (
          <li>
            <a href={link.href} aria-current={link.key === current ? 'page' : undefined}>
              {link.label}
            </a>
          </li>
        ))}
        <li>
          <form method="post" action={signOut}>
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

/** A page of a signed-in area, with the area's navigation and its sign-out. */
export function areaPage(
  c: Context<SignedInEnv>,
  area: { links: AreaLink[]; current: string; signOut: string },
  options: Omit<PageOptions, 'nav'>,
  body: Child,
) {
  return renderPage(
    c,
    {
      ...options,
      nav: (
        <AreaNav
          t={c.get('t')}
          links={area.links}
          current={area.current}
          csrf={c.get('session').csrf}
          signOut={area.signOut}
        />
      ),
    },
    body,
  );
}
