import type { Hono } from 'hono';
import { requestStatuses } from '../../domain/request-lifecycle.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { UiEnv } from '../context.ts';
import { formatDateTime, formatRange } from '../format.ts';
import { industryName, prefectureName, RequestBadge } from '../request-facts.tsx';
import { readSignedIn } from '../signed-in.ts';
import { requireStaff } from './session.ts';
import { staffPage } from './staff-page.tsx';

const STATUSES = requestStatuses;
const PAGE_SIZE = 50;

type Page = { items: RequestBody[]; nextCursor: string | null };

/** The request queue by status, newest first, 50 a page. */
export function registerQueue(ui: Hono<UiEnv>) {
  ui.get('/staff', requireStaff, async (c) => {
    const t = c.get('t');
    const asked = c.req.query('status') ?? 'received';
    const status = STATUSES.find((s) => s === asked);
    const cursor = c.req.query('cursor');
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status) query.set('status', status);
    if (cursor) query.set('cursor', cursor);
    const page = await readSignedIn<Page>(c, `/v1/requests?${query}`);
    const tab = status ?? 'all';
    const tabHref = (s: string) => `/staff?status=${s}`;
    return staffPage(
      c,
      { title: t.queueTitle, area: 'requests' },
      <>
        <h1>{t.queueTitle}</h1>
        <nav aria-label={t.queueTabs}>
          <ul class="tabs">
            {[...STATUSES, 'all' as const].map((s) => (
              <li>
                <a href={tabHref(s)} aria-current={s === tab ? 'page' : undefined}>
                  {s === 'all' ? t.allStatuses : t.requestStatuses[s]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {page.items.length === 0 ? (
          <p>{t.noRequests}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.appliedAt}</th>
                  <th scope="col">{t.company}</th>
                  <th scope="col">{t.industryShort}</th>
                  <th scope="col">{t.prefectureShort}</th>
                  <th scope="col">{t.format}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.when}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((r) => {
                  const visit = r.sessions.find((s) => s.status !== 'cancelled');
                  return (
                    <tr>
                      <td>{formatDateTime(t, r.createdAt)}</td>
                      <th scope="row">
                        <a href={`/staff/requests/${r.id}`}>{r.company.name}</a>
                      </th>
                      <td>{industryName(t, r.company.industryCode)}</td>
                      <td>{prefectureName(t, r.company.prefectureCode)}</td>
                      <td>{t.formats[r.format]}</td>
                      <td>
                        <RequestBadge t={t} status={r.status} />
                      </td>
                      <td>{visit ? formatRange(t, visit.start, visit.end) : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <p class="actions">
          {cursor && <a href={tabHref(tab)}>{t.firstPage}</a>}
          {page.nextCursor && (
            <a href={`${tabHref(tab)}&cursor=${encodeURIComponent(page.nextCursor)}`}>
              {t.nextPage}
            </a>
          )}
        </p>
      </>,
    );
  });
}
