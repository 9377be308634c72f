import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { PageOptions } from '../render.tsx';
import type { SignedInEnv } from '../signed-in.ts';
import { staffPage } from './staff-page.tsx';

type MoneyTab = 'payments' | 'claims' | 'fees';

/**
 * A page of the office's money (謝金・旅費): the staff navigation's money area, and under its
 * heading the three pages of it as tabs (the month's payments, travel claims, rates and budget).
 */
export function moneyPage(
  c: Context<SignedInEnv>,
  options: Omit<PageOptions, 'nav'> & { tab: MoneyTab },
  body: Child,
) {
  const m = c.get('t').money;
  const tabs: { key: MoneyTab; href: string; label: string }[] = [
    { key: 'payments', href: '/staff/payments', label: m.paymentsLink },
    { key: 'claims', href: '/staff/travel-claims', label: m.claimsLink },
    { key: 'fees', href: '/staff/fees', label: m.feesLink },
  ];
  const { tab, ...page } = options;
  return staffPage(
    c,
    { ...page, area: 'money' },
    <>
      <nav aria-label={m.moneyPages}>
        <ul class="tabs">
          {tabs.map((t) => (
            <li>
              <a href={t.href} aria-current={t.key === tab ? 'page' : undefined}>
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {body}
    </>,
  );
}
