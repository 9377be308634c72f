import type { Hono } from 'hono';
import { requestStatuses } from '../../domain/request-lifecycle.ts';
import { prefectures, taxonomyDocument } from '../../domain/taxonomy.ts';
import { fiscalYearOf } from '../../domain/time.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { UiEnv } from '../context.ts';
import { formatDateTime, formatRange } from '../format.ts';
import { named } from '../i18n/strings.ts';
import { industryName, prefectureName, RequestBadge } from '../request-facts.tsx';
import { readSignedIn } from '../signed-in.ts';
import { requireReader } from './session.ts';
import { staffPage } from './staff-page.tsx';

const PAGE_SIZE = 50;
const DIVISIONS = taxonomyDocument().industries;

type Page = { items: RequestBody[]; nextCursor: string | null; total: number };

/** What the queue's form may narrow by, as the query string carries it. */
const FILTERS = ['status', 'fiscalYear', 'prefectureCode', 'industry', 'q', 'order'] as const;

/**
 * The request queue: searched by company name or 法人番号, narrowed by status, fiscal year,
 * prefecture and industry, newest or oldest first, 50 a page with the page count. A plain GET
 * form, so every view is a link.
 */
export function registerQueue(ui: Hono<UiEnv>) {
  ui.get('/staff', requireReader, async (c) => {
    const t = c.get('t');
    const asked = Object.fromEntries(
      FILTERS.map((name) => [name, (c.req.query(name) ?? '').trim()]),
    ) as Record<(typeof FILTERS)[number], string>;
    // The queue opens on what waits for the office: applications under review.
    if (c.req.query('status') === undefined) asked.status = 'received';
    const pageNumber = Math.max(1, Number(c.req.query('page') ?? 1) || 1);
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const name of FILTERS)
      if (asked[name] && asked[name] !== 'all') query.set(name, asked[name]);
    const cursor = c.req.query('cursor');
    if (cursor) query.set('cursor', cursor);
    const page = await readSignedIn<Page>(c, `/v1/requests?${query}`);
    const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
    const here = new URLSearchParams(
      FILTERS.flatMap((name) => (asked[name] ? [[name, asked[name]] as [string, string]] : [])),
    );
    const thisFy = fiscalYearOf(c.get('deps').clock().getTime());
    const years = Array.from({ length: 8 }, (_, i) => thisFy - i);
    return staffPage(
      c,
      { title: t.queueTitle, area: 'requests' },
      <>
        <h1>{t.queueTitle}</h1>
        <search>
          <form method="get" action="/staff" class="panel filters">
            <div class="field">
              <label for="q">{t.searchLabel}</label>
              <input type="search" id="q" name="q" value={asked.q} maxlength={100} />
            </div>
            <div class="field">
              <label for="status">{t.status}</label>
              <select id="status" name="status">
                <option value="all" selected={asked.status === 'all'}>
                  {t.allStatuses}
                </option>
                {requestStatuses.map((s) => (
                  <option value={s} selected={asked.status === s}>
                    {t.requestStatuses[s]}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="fiscalYear">{t.fiscalYear}</label>
              <select id="fiscalYear" name="fiscalYear">
                <option value="">{t.allYears}</option>
                {years.map((fy) => (
                  <option value={String(fy)} selected={asked.fiscalYear === String(fy)}>
                    {t.fiscalYearShort(fy)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="prefectureCode">{t.prefectureShort}</label>
              <select id="prefectureCode" name="prefectureCode">
                <option value="">{t.allPrefectures}</option>
                {prefectures.map((p) => (
                  <option value={p.code} selected={asked.prefectureCode === p.code}>
                    {named(t, p.name)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="industry">{t.industryShort}</label>
              <select id="industry" name="industry">
                <option value="">{t.allIndustries}</option>
                {DIVISIONS.map((d) => (
                  <option value={d.code} selected={asked.industry === d.code}>
                    {`${d.code} ${named(t, d.name)}`}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="order">{t.sortLabel}</label>
              <select id="order" name="order">
                <option value="newest" selected={asked.order !== 'oldest'}>
                  {t.newestFirst}
                </option>
                <option value="oldest" selected={asked.order === 'oldest'}>
                  {t.oldestFirst}
                </option>
              </select>
            </div>
            <button type="submit">{t.show}</button>
          </form>
        </search>
        <p role="status">{t.resultCount(page.total, pageNumber, pages)}</p>
        {page.items.length === 0 ? (
          <p>{t.noRequests}</p>
        ) : (
          <section class="table-wrap queue" aria-label={t.queueTitle} tabindex={0}>
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
          </section>
        )}
        <p class="actions">
          {cursor && <a href={`/staff?${here}`}>{t.firstPage}</a>}
          {page.nextCursor && (
            <a
              href={`/staff?${here}&cursor=${encodeURIComponent(page.nextCursor)}&page=${pageNumber + 1}`}
            >
              {t.nextPage}
            </a>
          )}
        </p>
      </>,
    );
  });
}
