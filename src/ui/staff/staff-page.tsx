import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { areaPage } from '../area-page.tsx';
import type { PageOptions } from '../render.tsx';
import type { SignedInEnv } from '../signed-in.ts';
import { canChange } from './session.ts';

type Area = 'requests' | 'experts' | 'notifications' | 'money' | 'reports';

/**
 * A page of the staff area, with its navigation. A viewer (the ministry's officials) is not
 * shown the links to pages that are the office's alone: notifications and the money pages.
 */
export function staffPage(
  c: Context<SignedInEnv>,
  options: Omit<PageOptions, 'nav'> & { area: Area },
  body: Child,
) {
  const t = c.get('t');
  return areaPage(
    c,
    {
      links: [
        { key: 'requests', href: '/staff', label: t.navRequests },
        { key: 'experts', href: '/staff/experts', label: t.navExperts },
        ...(canChange(c)
          ? [
              { key: 'notifications', href: '/staff/notifications', label: t.navNotifications },
              { key: 'money', href: '/staff/payments', label: t.navMoney },
            ]
          : []),
        { key: 'reports', href: '/staff/reports', label: t.navReports },
      ],
      current: options.area,
      signOut: '/staff/sign-out',
    },
    options,
    body,
  );
}
