import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { areaPage } from '../area-page.tsx';
import type { PageOptions } from '../render.tsx';
import type { SignedInEnv } from '../signed-in.ts';

type Area = 'visits' | 'availability' | 'calendars';

/** A page of the expert's own area, with its navigation. */
export function expertPage(
  c: Context<SignedInEnv>,
  options: Omit<PageOptions, 'nav'> & { area: Area },
  body: Child,
) {
  const t = c.get('t');
  return areaPage(
    c,
    {
      links: [
        { key: 'visits', href: '/expert', label: t.navVisits },
        { key: 'availability', href: '/expert/availability', label: t.navAvailability },
        { key: 'calendars', href: '/expert/calendars', label: t.navCalendars },
      ],
      current: options.area,
      signOut: '/expert/sign-out',
    },
    options,
    body,
  );
}
