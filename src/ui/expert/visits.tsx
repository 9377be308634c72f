import type { Context, Hono } from 'hono';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import { CsrfField } from '../area-page.tsx';
import { Confirm } from '../confirm.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, Notice } from '../fields.tsx';
import { redirectWith, takeFlash } from '../flash.ts';
import { formValues, readForm } from '../form-values.ts';
import { formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { PageNotFound } from '../page-errors.ts';
import { prefectureName, SessionBadge, topicName } from '../request-facts.tsx';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { fileVisitReport, VisitReportForm } from '../visit-report.tsx';
import { expertPage } from './expert-page.tsx';
import { requireExpert } from './session.ts';

type Visit = SessionBody & {
  visit: {
    companyName: string;
    prefectureCode: string;
    address: string | null;
    topics: string[];
    notes: string;
    durationMinutes: number;
    contact: { name: string; email: string; phone: string | null };
  };
};
type Page = { items: Visit[]; nextCursor: string | null };

const SHOWN = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The expert's visits: coming ones with what to know, past ones to report on. */
export function registerExpertVisits(ui: Hono<UiEnv>) {
  ui.get('/expert', requireExpert, async (c) => {
    const t = c.get('t');
    const now = c.get('deps').clock().toISOString();
    const flash = await takeFlash(c);
    const [upcoming, past] = await Promise.all([
      readSignedIn<Page>(c, `/v1/me/sessions?from=${encodeURIComponent(now)}&limit=${SHOWN}`),
      readSignedIn<Page>(
        c,
        `/v1/me/sessions?to=${encodeURIComponent(now)}&order=desc&limit=${SHOWN}`,
      ),
    ]);
    const csrf = c.get('session').csrf;
    return expertPage(
      c,
      { title: t.visitsTitle, area: 'visits' },
      <>
        <h1>{t.visitsTitle}</h1>
        {flash.notice && <Notice>{t.notices[flash.notice]}</Notice>}
        {flash.problem && <Alert>{flash.problem}</Alert>}
        <section aria-labelledby="upcoming-title">
          <h2 id="upcoming-title">{t.upcomingVisits}</h2>
          {upcoming.items.filter((v) => v.status === 'confirmed').length === 0 ? (
            <p>{t.noUpcomingVisits}</p>
          ) : (
            upcoming.items
              .filter((v) => v.status === 'confirmed')
              .map((v) => <VisitCard t={t} visit={v} csrf={csrf} now={now} />)
          )}
        </section>
        <section aria-labelledby="past-title">
          <h2 id="past-title">{t.pastVisitsTitle}</h2>
          {past.items.length === 0 ? (
            <p>{t.noPastVisits}</p>
          ) : (
            past.items.map((v) => <VisitCard t={t} visit={v} csrf={csrf} now={now} />)
          )}
        </section>
      </>,
    );
  });

  ui.get('/expert/visits/:id/calendar.ics', requireExpert, async (c) => {
    const id = visitId(c);
    const res = await c
      .get('api')
      .raw(`/v1/sessions/${id}/calendar.ics`, { principal: c.get('session').principal });
    if (!res.ok) throw new PageNotFound();
    return res;
  });

  ui.post('/expert/visits/:id/meeting-url', requireExpert, async (c) => {
    const id = visitId(c);
    const form = await readForm(c);
    const url = form.get('meetingUrl');
    const saved = await asSignedIn(c, 'PUT', `/v1/sessions/${id}/meeting-url`, {
      url: url === '' ? null : url,
    });
    if (saved.ok) return redirectWith(c, '/expert', { notice: 'meetingUrlSaved' });
    if (saved.status === 404) throw new PageNotFound();
    return redirectWith(c, '/expert', { problem: c.get('t').meetingUrlInvalid });
  });

  ui.get('/expert/visits/:id/report', requireExpert, async (c) => reportPage(c));
  ui.post('/expert/visits/:id/report', requireExpert, (c) =>
    fileVisitReport(c, visitId(c), '/expert'),
  );

  ui.get('/expert/visits/:id/no-show', requireExpert, async (c) => {
    const t = c.get('t');
    const visit = await readSignedIn<SessionBody>(c, `/v1/sessions/${visitId(c)}`);
    return expertPage(
      c,
      { title: t.noShowTitle, area: 'visits' },
      <Confirm
        t={t}
        title={t.noShowTitle}
        lead={`${formatRange(t, visit.start, visit.end)} — ${t.noShowLead}`}
        action={c.req.path}
        button={t.noShowButton}
        back="/expert"
        hidden={{ csrf: c.get('session').csrf }}
      />,
    );
  });
  ui.post('/expert/visits/:id/no-show', requireExpert, async (c) => {
    const marked = await asSignedIn(c, 'POST', `/v1/sessions/${visitId(c)}/no-show`);
    if (marked.status === 404) throw new PageNotFound();
    const t = c.get('t');
    return redirectWith(
      c,
      '/expert',
      marked.ok
        ? { notice: 'noShowRecorded' }
        : { problem: t.problems[marked.problem.code] ?? marked.problem.detail },
    );
  });
}

/** The visit id of the path: a UUID, or no such page. */
function visitId(c: Context<SignedInEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new PageNotFound();
  return id;
}

function VisitCard(props: { t: Strings; visit: Visit; csrf: string; now: string }) {
  const { t, visit, csrf, now } = props;
  const { visit: about } = visit;
  const started = visit.start <= now;
  const base = `/expert/visits/${visit.id}`;
  const titleId = `visit-${visit.id}`;
  return (
    <article class="panel visit" aria-labelledby={titleId}>
      <h3 id={titleId}>
        {formatRange(t, visit.start, visit.end)} {about.companyName}{' '}
        <SessionBadge t={t} status={visit.status} />
      </h3>
      <dl class="facts">
        <dt>{t.format}</dt>
        <dd>{t.formats[visit.format]}</dd>
        <dt>{t.place}</dt>
        <dd>
          {visit.format === 'onsite'
            ? (about.address ?? prefectureName(t, about.prefectureCode))
            : (visit.meetingUrl ?? t.notSetYet)}
        </dd>
        <dt>{t.topicsLabel}</dt>
        <dd>{about.topics.map((code) => topicName(t, code)).join(t.listSeparator)}</dd>
        <dt>{t.contact}</dt>
        <dd>
          {about.contact.name}
          <br />
          {about.contact.email}
          {about.contact.phone && (
            <>
              <br />
              {about.contact.phone}
            </>
          )}
        </dd>
        {about.notes && (
          <>
            <dt>{t.companyNotes}</dt>
            <dd class="pre-line">{about.notes}</dd>
          </>
        )}
        {visit.report && (
          <>
            <dt>{t.reportFiled}</dt>
            <dd class="pre-line">{visit.report.summary}</dd>
          </>
        )}
      </dl>
      {visit.status === 'confirmed' && visit.format === 'online' && !started && (
        <form method="post" action={`${base}/meeting-url`} class="inline-form">
          <CsrfField csrf={csrf} />
          <div class="field">
            <label for={`meeting-${visit.id}`}>{t.meetingUrl}</label>
            <span class="hint" id={`meeting-${visit.id}-hint`}>
              {t.meetingUrlHint}
            </span>
            <input
              type="url"
              id={`meeting-${visit.id}`}
              name="meetingUrl"
              value={visit.meetingUrl ?? ''}
              aria-describedby={`meeting-${visit.id}-hint`}
            />
          </div>
          <button type="submit" class="secondary">
            {t.meetingUrlSave}
          </button>
        </form>
      )}
      <p class="actions">
        <a href={`${base}/calendar.ics`} download>
          {t.addToCalendar}
        </a>
        {visit.format === 'onsite' && visit.status === 'completed' && (
          <a href={`${base}/travel`}>{t.money.claimTravelLink}</a>
        )}
        {visit.status === 'confirmed' && started && (
          <>
            <a class="button" href={`${base}/report`}>
              {t.fileReport}
            </a>
            <a href={`${base}/no-show`}>{t.markNoShow}</a>
          </>
        )}
      </p>
    </article>
  );
}

async function reportPage(c: Context<SignedInEnv>) {
  const t = c.get('t');
  const id = visitId(c);
  const [visit, mine] = await Promise.all([
    readSignedIn<SessionBody>(c, `/v1/sessions/${id}`),
    readSignedIn<Page>(c, `/v1/me/sessions?limit=100&order=desc`),
  ]);
  const about = mine.items.find((v) => v.id === id);
  const flash = await takeFlash(c);
  const errors = flash.errors ?? {};
  return expertPage(
    c,
    { title: t.reportTitle, area: 'visits', errors: Object.keys(errors).length > 0 },
    <>
      <p>
        <a href="/expert">{t.navVisits}</a>
      </p>
      <h1>{t.reportTitle}</h1>
      <p>
        <strong>{`${formatRange(t, visit.start, visit.end)} ${about?.visit.companyName ?? ''}`}</strong>
      </p>
      <p>{t.reportLead}</p>
      <VisitReportForm
        t={t}
        action={c.req.path}
        csrf={c.get('session').csrf}
        values={formValues(flash.values)}
        errors={errors}
        requested={about?.visit.topics ?? []}
        booked={visit}
      />
    </>,
  );
}
