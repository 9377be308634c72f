import type { Hono } from 'hono';
import { CsrfField } from '../area-page.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, Notice } from '../fields.tsx';
import { redirectWith, takeFlash } from '../flash.ts';
import { formatDateTime } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { PageNotFound } from '../page-errors.ts';
import { asSignedIn, readSignedIn } from '../signed-in.ts';
import { requireStaff } from './session.ts';
import { staffPage } from './staff-page.tsx';

type Notification = {
  id: string;
  kind: 'email' | 'webhook';
  event: string;
  status: 'pending' | 'sent' | 'dead' | 'skipped';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  requestId: string | null;
  recipient: string | null;
  createdAt: string;
};

const TABS = ['pending', 'dead'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The outbox as staff watch it: what waits to go out, what was given up on, and a resend. */
export function registerNotificationsPage(ui: Hono<UiEnv>) {
  ui.get('/staff/notifications', requireStaff, async (c) => {
    const t = c.get('t');
    const status = TABS.find((s) => s === c.req.query('status')) ?? 'dead';
    const flash = await takeFlash(c);
    const page = await readSignedIn<{ items: Notification[] }>(
      c,
      `/v1/notifications?status=${status}&limit=100`,
    );
    const csrf = c.get('session').csrf;
    return staffPage(
      c,
      { title: t.navNotifications, area: 'notifications' },
      <>
        <h1>{t.navNotifications}</h1>
        {flash.notice && <Notice>{t.notices[flash.notice]}</Notice>}
        {flash.problem && <Alert>{flash.problem}</Alert>}
        <p>{t.notificationsLead}</p>
        <nav aria-label={t.queueTabs}>
          <ul class="tabs">
            {TABS.map((s) => (
              <li>
                <a
                  href={`/staff/notifications?status=${s}`}
                  aria-current={s === status ? 'page' : undefined}
                >
                  {t.notificationStatuses[s]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {page.items.length === 0 ? (
          <p>{t.noNotifications}</p>
        ) : (
          <section class="table-wrap" aria-label={t.navNotifications} tabindex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.auditWhen}</th>
                  <th scope="col">{t.notificationWhat}</th>
                  <th scope="col">{t.notificationTo}</th>
                  <th scope="col" class="num">
                    {t.attempts}
                  </th>
                  <th scope="col">{t.syncError}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((n) => (
                  <tr>
                    <td>{formatDateTime(t, n.createdAt)}</td>
                    <th scope="row">
                      {t.notificationEvents[n.event] ?? n.event}
                      <br />
                      <span class="muted">{n.kind === 'email' ? t.email : t.webhook}</span>
                    </th>
                    <td>
                      {n.requestId ? (
                        <a href={`/staff/requests/${n.requestId}`}>{n.recipient ?? t.webhook}</a>
                      ) : (
                        (n.recipient ?? t.webhook)
                      )}
                    </td>
                    <td class="num">{n.attempts}</td>
                    <td>{n.lastError === null ? '—' : errorText(t, n.lastError)}</td>
                    <td>
                      {n.status !== 'pending' && (
                        <form method="post" action={`/staff/notifications/${n.id}/redeliver`}>
                          <CsrfField csrf={csrf} />
                          <button type="submit" class="secondary">
                            {t.redeliver}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </>,
    );
  });

  ui.post('/staff/notifications/:id/redeliver', requireStaff, async (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id)) throw new PageNotFound();
    const sent = await asSignedIn(c, 'POST', `/v1/notifications/${id}/redeliver`);
    if (sent.status === 404) throw new PageNotFound();
    const t = c.get('t');
    return redirectWith(
      c,
      '/staff/notifications?status=dead',
      sent.ok
        ? { notice: 'redelivering' }
        : { problem: t.problems[sent.problem.code] ?? sent.problem.detail },
    );
  });
}

/**
 * A row's last error (a short code of src/notify/dispatcher.ts, such as "network ENOTFOUND"
 * or "http 500") in the page's words, with the technical detail after it.
 */
function errorText(t: Strings, error: string): string {
  const whole = t.notificationErrors[error];
  if (whole) return whole;
  const [kind = '', ...detail] = error.split(' ');
  const worded = t.notificationErrors[kind];
  if (!worded) return error;
  return detail.length > 0 ? `${worded}${t.matching.inParens(detail.join(' '))}` : worded;
}
