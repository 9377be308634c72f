import type { Hono } from 'hono';
import type { ExpertBody } from '../../routes/experts/schema.ts';
import type { UiEnv } from '../context.ts';
import { formatDay } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { industryName, prefectureName, topicName } from '../request-facts.tsx';
import { readSignedIn } from '../signed-in.ts';
import { requireStaff } from './session.ts';
import { staffPage } from './staff-page.tsx';

const PAGE_SIZE = 100;
const LISTED = 4;

/** The first few of a long list, and how many more there are. */
const firstFew = (items: string[], more: (n: number) => string) =>
  items.length > LISTED
    ? `${items.slice(0, LISTED).join('、')} ${more(items.length - LISTED)}`
    : items.join('、') || '—';

export function registerExpertPages(ui: Hono<UiEnv>) {
  ui.get('/staff/experts', requireStaff, async (c) => {
    const t = c.get('t');
    const cursor = c.req.query('cursor');
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (cursor) query.set('cursor', cursor);
    const page = await readSignedIn<{ items: ExpertBody[]; nextCursor: string | null }>(
      c,
      `/v1/experts?${query}`,
    );
    return staffPage(
      c,
      { title: t.expertsTitle, area: 'experts' },
      <>
        <h1>{t.expertsTitle}</h1>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.industries}</th>
                <th scope="col">{t.prefectures}</th>
                <th scope="col">{t.online}</th>
                <th scope="col" class="num">
                  {t.maxVisitsPerMonth}
                </th>
                <th scope="col">{t.active}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/staff/experts/${e.id}`}>{e.name}</a>
                    <br />
                    <span class="muted">{e.affiliation}</span>
                  </th>
                  <td>{firstFew(e.industries, t.andMore)}</td>
                  <td>
                    {firstFew(
                      e.prefectures.map((p) => prefectureName(t, p)),
                      t.andMore,
                    )}
                  </td>
                  <td>{e.online ? t.yes : t.no}</td>
                  <td class="num">{e.maxVisitsPerMonth}</td>
                  <td>{e.active ? t.activeYes : t.activeNo}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="actions">
          {cursor && <a href="/staff/experts">{t.firstPage}</a>}
          {page.nextCursor && (
            <a href={`/staff/experts?cursor=${encodeURIComponent(page.nextCursor)}`}>
              {t.nextPage}
            </a>
          )}
        </p>
      </>,
    );
  });

  ui.get('/staff/experts/:id', requireStaff, async (c) => {
    const t = c.get('t');
    const id = encodeURIComponent(c.req.param('id'));
    const expert = await readSignedIn<ExpertBody>(c, `/v1/experts/${id}`);
    return staffPage(
      c,
      { title: expert.name, area: 'experts' },
      <>
        <p>
          <a href="/staff/experts">{t.backToExperts}</a>
        </p>
        <h1>{expert.name}</h1>
        <section class="panel">
          <dl class="facts">
            <dt>{t.affiliation}</dt>
            <dd>{expert.affiliation || '—'}</dd>
            <dt>{t.email}</dt>
            <dd>{expert.email}</dd>
            <dt>{t.industries}</dt>
            <dd>{expert.industries.map((code) => industryName(t, code)).join('、') || '—'}</dd>
            <dt>{t.topicsLabel}</dt>
            <dd>{expert.topics.map((code) => topicName(t, code)).join('、') || '—'}</dd>
            <dt>{t.prefectures}</dt>
            <dd>{expert.prefectures.map((code) => prefectureName(t, code)).join('、') || '—'}</dd>
            <dt>{t.online}</dt>
            <dd>{expert.online ? t.yes : t.no}</dd>
            <dt>{t.maxVisitsPerMonth}</dt>
            <dd>{t.visits(expert.maxVisitsPerMonth)}</dd>
            <dt>{t.travelBuffer}</dt>
            <dd>{t.minutes(expert.travelBufferMinutes)}</dd>
            <dt>{t.active}</dt>
            <dd>{expert.active ? t.activeYes : t.activeNo}</dd>
          </dl>
        </section>
        <h2>{t.availabilityTitle}</h2>
        <Availability t={t} availability={expert.availability} />
      </>,
    );
  });
}

function Availability({
  t,
  availability,
}: {
  t: Strings;
  availability: ExpertBody['availability'];
}) {
  return (
    <>
      <div class="table-wrap">
        <table>
          <caption>{t.weeklyHours}</caption>
          <tbody>
            {t.weekdays.map((day, i) => {
              const hours = availability.weekly.filter((w) => w.weekday === i + 1);
              return (
                <tr>
                  <th scope="row">{day}</th>
                  <td>{hours.map((w) => `${w.start}–${w.end}`).join('、') || t.closed}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3>{t.overridesTitle}</h3>
      {availability.overrides.length === 0 ? (
        <p>{t.noOverrides}</p>
      ) : (
        <ul class="reasons">
          {availability.overrides.map((o) => (
            <li>
              {`${formatDay(t, o.date)}: `}
              {o.available && o.start ? `${o.start}–${o.end}` : t.unavailable}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
