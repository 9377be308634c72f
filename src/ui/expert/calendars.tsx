import type { Hono } from 'hono';
import { CsrfField } from '../area-page.tsx';
import { Confirm } from '../confirm.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, ErrorSummary, Field, Notice } from '../fields.tsx';
import { redirectWith, takeFlash } from '../flash.ts';
import { formValues, readForm } from '../form-values.ts';
import { formatDateTime } from '../format.ts';
import { PageNotFound } from '../page-errors.ts';
import { asSignedIn, readSignedIn } from '../signed-in.ts';
import { expertPage } from './expert-page.tsx';
import { requireExpert } from './session.ts';

type CalendarFeed = {
  id: string;
  url: string;
  lastSyncedAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  eventCount: number;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A calendar's secret URL as the page shows it: enough to tell it apart, not to use it. */
const shortUrl = (url: string) => {
  const { host, pathname } = new URL(url);
  return `${host}${pathname.length > 12 ? `${pathname.slice(0, 12)}…` : pathname}`;
};

/**
 * The expert's calendars: the feed of their visits to subscribe to (with how to, and a way to
 * replace its URL), and their own calendars whose busy time keeps visits away.
 */
export function registerExpertCalendars(ui: Hono<UiEnv>) {
  ui.get('/expert/calendars', requireExpert, async (c) => {
    const t = c.get('t');
    const flash = await takeFlash(c);
    const errors = flash.errors ?? {};
    const values = formValues(flash.values);
    const [feed, imported] = await Promise.all([
      readSignedIn<{ url: string }>(c, '/v1/me/feed'),
      readSignedIn<{ items: CalendarFeed[] }>(c, '/v1/me/calendar-feeds?limit=100'),
    ]);
    const csrf = c.get('session').csrf;
    return expertPage(
      c,
      { title: t.navCalendars, area: 'calendars', errors: Object.keys(errors).length > 0 },
      <>
        <h1>{t.navCalendars}</h1>
        {flash.notice && <Notice>{t.notices[flash.notice]}</Notice>}
        {flash.problem && <Alert>{flash.problem}</Alert>}
        <ErrorSummary title={t.errorSummary(Object.keys(errors).length)} errors={errors} />
        <section class="panel" aria-labelledby="feed-title">
          <h2 id="feed-title">{t.feedTitle}</h2>
          <p>{t.feedLead}</p>
          <p class="token-box">
            <code id="feed-url">{feed.url}</code>
          </p>
          <ul class="reasons">
            <li>{t.feedHowGoogle}</li>
            <li>{t.feedHowOutlook}</li>
            <li>{t.feedHowApple}</li>
          </ul>
          <p>
            <a href="/expert/calendars/feed/rotate">{t.feedRotate}</a>
          </p>
        </section>
        <section class="panel" aria-labelledby="imported-title">
          <h2 id="imported-title">{t.importedTitle}</h2>
          <p>{t.importedLead}</p>
          {imported.items.length === 0 ? (
            <p>{t.noCalendars}</p>
          ) : (
            // One block a calendar rather than a table: at 375 px every fact and control of it
            // stays in view, with no sideways scrolling.
            imported.items.map((f) => {
              const titleId = `calendar-${f.id}`;
              return (
                <article class="panel visit" aria-labelledby={titleId}>
                  <h3 id={titleId}>
                    <code>{shortUrl(f.url)}</code>
                  </h3>
                  <dl class="facts">
                    <dt>{t.lastSync}</dt>
                    <dd>{f.lastSyncedAt ? formatDateTime(t, f.lastSyncedAt) : t.never}</dd>
                    <dt>{t.events}</dt>
                    <dd class="event-count">{f.eventCount}</dd>
                    {f.lastError && (
                      <>
                        <dt>{t.syncError}</dt>
                        {/* The server's words are English: said in the page language first,
                            kept as the detail someone may need to mend the URL. */}
                        <dd>
                          {t.syncFailed} <span lang="en">({f.lastError})</span>
                        </dd>
                      </>
                    )}
                  </dl>
                  <div class="actions">
                    <form method="post" action={`/expert/calendars/${f.id}/sync`}>
                      <CsrfField csrf={csrf} />
                      <button type="submit" class="secondary" aria-describedby={titleId}>
                        {t.syncNow}
                      </button>
                    </form>
                    <a href={`/expert/calendars/${f.id}/remove`} aria-describedby={titleId}>
                      {t.removeCalendar}
                    </a>
                  </div>
                </article>
              );
            })
          )}
          <form method="post" action="/expert/calendars" class="inline-form" novalidate>
            <CsrfField csrf={csrf} />
            <Field
              t={t}
              name="url"
              label={t.calendarUrl}
              error={errors.url}
              control={(wiring) => (
                <input {...wiring} type="url" value={values.get('url')} required />
              )}
            />
            <button type="submit">{t.addCalendar}</button>
          </form>
        </section>
      </>,
    );
  });

  ui.post('/expert/calendars', requireExpert, async (c) => {
    const form = await readForm(c);
    const added = await asSignedIn<CalendarFeed>(c, 'POST', '/v1/me/calendar-feeds', {
      url: form.get('url'),
    });
    if (added.ok) {
      // Registered either way; the first sync may still have failed, and the notice says so.
      return redirectWith(c, '/expert/calendars', {
        notice: added.body.lastError ? 'calendarAddedNotSynced' : 'calendarAdded',
      });
    }
    if (added.status !== 400) throw new Error(`calendar feed answered ${added.status}`);
    return redirectWith(c, '/expert/calendars', {
      errors: { url: c.get('t').calendarUrlInvalid },
      values: form.fields(),
    });
  });

  ui.post('/expert/calendars/:id/sync', requireExpert, async (c) => {
    const id = feedId(c.req.param('id'));
    const synced = await asSignedIn<CalendarFeed>(c, 'POST', `/v1/me/calendar-feeds/${id}/sync`);
    if (synced.status === 404) throw new PageNotFound();
    if (!synced.ok) throw new Error(`calendar sync answered ${synced.status}`);
    return redirectWith(
      c,
      '/expert/calendars',
      synced.body.lastError ? { problem: c.get('t').syncFailed } : { notice: 'calendarSynced' },
    );
  });

  ui.get('/expert/calendars/:id/remove', requireExpert, async (c) => {
    const t = c.get('t');
    feedId(c.req.param('id'));
    return expertPage(
      c,
      { title: t.removeCalendar, area: 'calendars' },
      <Confirm
        t={t}
        title={t.removeCalendar}
        lead={t.removeCalendarLead}
        action={c.req.path}
        button={t.removeCalendar}
        back="/expert/calendars"
        hidden={{ csrf: c.get('session').csrf }}
      />,
    );
  });
  ui.post('/expert/calendars/:id/remove', requireExpert, async (c) => {
    const removed = await asSignedIn(
      c,
      'DELETE',
      `/v1/me/calendar-feeds/${feedId(c.req.param('id'))}`,
    );
    if (removed.status === 404) throw new PageNotFound();
    return redirectWith(c, '/expert/calendars', { notice: 'calendarRemoved' });
  });

  ui.get('/expert/calendars/feed/rotate', requireExpert, (c) => {
    const t = c.get('t');
    return expertPage(
      c,
      { title: t.feedRotate, area: 'calendars' },
      <Confirm
        t={t}
        title={t.feedRotate}
        lead={t.feedRotateLead}
        action={c.req.path}
        button={t.feedRotate}
        back="/expert/calendars"
        hidden={{ csrf: c.get('session').csrf }}
      />,
    );
  });
  ui.post('/expert/calendars/feed/rotate', requireExpert, async (c) => {
    const rotated = await asSignedIn(c, 'POST', '/v1/me/feed/rotate');
    if (!rotated.ok) throw new Error(`feed rotation answered ${rotated.status}`);
    return redirectWith(c, '/expert/calendars', { notice: 'feedRotated' });
  });
}

function feedId(id: string | undefined): string {
  if (!id || !UUID.test(id)) throw new PageNotFound();
  return id;
}
