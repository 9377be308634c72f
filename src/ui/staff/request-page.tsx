import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { UiEnv } from '../context.ts';
import { Alert, Notice } from '../fields.tsx';
import { type FormValues, readForm } from '../form-values.ts';
import { byDay, formatDateTime, formatDay, formatTime } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { PageNotFound } from '../page-errors.ts';
import { RequestFacts, SessionList } from '../request-facts.tsx';
import { requestOutcomes } from './request-outcomes.tsx';
import { asStaff, readAsStaff, requireStaff, type StaffEnv } from './session.ts';
import { CsrfField, staffPage } from './staff-page.tsx';

const MATCHES = 10;
const SLOTS_PER_EXPERT = 12;

type Match = {
  expert: { id: string; name: string; affiliation: string };
  format: 'onsite' | 'online';
  score: number;
  reasons: string[];
  slots: { start: string; end: string }[];
};

type Shown = {
  notice?: string;
  problem?: string;
  status?: ContentfulStatusCode;
  /** A company link just issued: shown once, on this answer only, never in a URL. */
  accessLink?: string;
};

/** One request, its visits, and for an open one the ranked experts to book in one click. */
export function registerRequestPage(ui: Hono<UiEnv>) {
  ui.get('/staff/requests/:id', requireStaff, (c) =>
    requestPage(c, { notice: c.get('t').notices[c.req.query('notice') ?? ''] }),
  );

  ui.post('/staff/requests/:id/book', requireStaff, async (c) => {
    const form = await readForm(c);
    const id = c.req.param('id');
    const booked = await asStaff(c, 'POST', `/v1/requests/${encodeURIComponent(id)}/sessions`, {
      expertId: form.get('expertId'),
      start: form.get('start'),
    });
    if (booked.ok) return c.redirect(`/staff/requests/${id}?notice=booked`, 303);
    const { problem } = booked;
    if (problem.status >= 500) throw new Error(`booking answered ${problem.status}`);
    return requestPage(c, {
      problem: c.get('t').problems[problem.code] ?? problem.detail,
      status: problem.status as ContentfulStatusCode,
    });
  });

  decision(ui, 'accept', 'accepted', (form): Record<string, string> => {
    const note = form.get('note');
    return note ? { note } : {};
  });
  decision(ui, 'decline', 'declined', (form) => ({ reason: form.get('reason') }));

  ui.post('/staff/requests/:id/access-token', requireStaff, async (c) => {
    const id = encodeURIComponent(c.req.param('id'));
    const issued = await asStaff<{ accessToken: string }>(
      c,
      'POST',
      `/v1/requests/${id}/access-token`,
    );
    if (!issued.ok) {
      if (issued.status === 404 || issued.status === 400) throw new PageNotFound();
      throw new Error(`access token answered ${issued.status} ${issued.problem.code}`);
    }
    const base = c.get('deps').config.publicBaseUrl;
    return requestPage(c, { accessLink: `${base}/r/${issued.body.accessToken}` });
  });
}

/** The office's decision on an application: the API call, then back to the request page. */
function decision(
  ui: Hono<UiEnv>,
  action: 'accept' | 'decline',
  notice: string,
  body: (form: FormValues) => Record<string, string>,
) {
  ui.post(`/staff/requests/:id/${action}`, requireStaff, async (c) => {
    const id = c.req.param('id');
    const decided = await asStaff(
      c,
      'POST',
      `/v1/requests/${encodeURIComponent(id)}/${action}`,
      body(await readForm(c)),
    );
    if (decided.ok) return c.redirect(`/staff/requests/${id}?notice=${notice}`, 303);
    const { problem } = decided;
    if (problem.status === 404) throw new PageNotFound();
    if (problem.status >= 500) throw new Error(`${action} answered ${problem.status}`);
    return requestPage(c, {
      problem: c.get('t').problems[problem.code] ?? problem.detail,
      status: problem.status as ContentfulStatusCode,
    });
  });
}

async function requestPage(c: Context<StaffEnv>, shown: Shown) {
  const t = c.get('t');
  const id = encodeURIComponent(c.req.param('id') ?? '');
  const request = await readAsStaff<RequestBody>(c, `/v1/requests/${id}`);
  const bookable = request.status === 'received' || request.status === 'accepted';
  const { matches } = bookable
    ? await readAsStaff<{ matches: Match[] }>(
        c,
        `/v1/requests/${id}/matches?limit=${MATCHES}&slotsPerExpert=${SLOTS_PER_EXPERT}`,
      )
    : { matches: [] };
  return staffPage(
    c,
    { title: request.company.name, area: 'requests', status: shown.status ?? 200 },
    <>
      <p>
        <a href="/staff">{t.backToQueue}</a>
      </p>
      <h1>{request.company.name}</h1>
      {shown.notice && <Notice>{shown.notice}</Notice>}
      {shown.problem && <Alert>{shown.problem}</Alert>}
      <section class="panel" aria-labelledby="facts-title">
        <h2 id="facts-title">{t.requestDetails}</h2>
        <RequestFacts t={t} request={request} />
      </section>
      {request.status === 'received' && (
        <ReviewPanel t={t} requestId={request.id} csrf={c.get('staff').csrf} />
      )}
      {request.review && (
        <section class="panel" aria-labelledby="review-title">
          <h2 id="review-title">{t.reviewDecision}</h2>
          <dl class="facts">
            <dt>{t.reviewedAt}</dt>
            <dd>{formatDateTime(t, request.review.at)}</dd>
            {request.review.note && (
              <>
                <dt>{request.status === 'declined' ? t.reviewReason : t.reviewNote}</dt>
                <dd class="pre-line">{request.review.note}</dd>
              </>
            )}
          </dl>
        </section>
      )}
      <section class="panel" aria-labelledby="access-title">
        <h2 id="access-title">{t.accessLinkTitle}</h2>
        {shown.accessLink ? (
          <>
            <Notice>{t.accessLinkIssued}</Notice>
            <p>
              <code>{shown.accessLink}</code>
            </p>
          </>
        ) : (
          <form method="post" action={`/staff/requests/${request.id}/access-token`}>
            <CsrfField csrf={c.get('staff').csrf} />
            <p>{t.accessLinkLead}</p>
            <button type="submit" class="secondary">
              {t.accessLinkButton}
            </button>
          </form>
        )}
      </section>
      {request.sessions.length > 0 && (
        <section class="panel" aria-labelledby="sessions-title">
          <h2 id="sessions-title">{t.sessionsTitle}</h2>
          <SessionList t={t} sessions={request.sessions} />
        </section>
      )}
      {await requestOutcomes(c, request)}
      {bookable && (
        <section aria-labelledby="matches-title">
          <h2 id="matches-title">{t.matchesTitle}</h2>
          {matches.length === 0 ? (
            <p>{t.noMatches}</p>
          ) : (
            <>
              <p>{request.status === 'received' ? t.matchesLeadReceived : t.matchesLead}</p>
              <ol class="matches">
                {matches.map((match, rank) => (
                  <MatchCard
                    t={t}
                    requestId={request.id}
                    match={match}
                    rank={rank}
                    csrf={c.get('staff').csrf}
                  />
                ))}
              </ol>
            </>
          )}
        </section>
      )}
    </>,
  );
}

/** Accept (派遣決定) or decline a received application. */
function ReviewPanel({ t, requestId, csrf }: { t: Strings; requestId: string; csrf: string }) {
  return (
    <section class="panel" aria-labelledby="decide-title">
      <h2 id="decide-title">{t.decideTitle}</h2>
      <p>{t.decideLead}</p>
      <form method="post" action={`/staff/requests/${requestId}/accept`}>
        <CsrfField csrf={csrf} />
        <div class="field">
          <label for="accept-note">
            {t.reviewNote}
            <span class="tag optional">{t.optional}</span>
          </label>
          <span class="hint" id="accept-note-hint">
            {t.acceptNoteHint}
          </span>
          <textarea
            id="accept-note"
            name="note"
            maxlength={2000}
            aria-describedby="accept-note-hint"
          />
        </div>
        <button type="submit">{t.acceptButton}</button>
      </form>
      <form method="post" action={`/staff/requests/${requestId}/decline`} class="inline-form">
        <CsrfField csrf={csrf} />
        <div class="field">
          <label for="decline-reason">
            {t.declineReasonLabel}
            <span class="tag">{t.required}</span>
          </label>
          <input type="text" id="decline-reason" name="reason" required maxlength={1000} />
        </div>
        <button type="submit" class="danger">
          {t.declineButton}
        </button>
      </form>
    </section>
  );
}

function MatchCard(props: {
  t: Strings;
  requestId: string;
  match: Match;
  rank: number;
  csrf: string;
}) {
  const { t, requestId, match, rank, csrf } = props;
  const nameId = `match-${rank}`;
  return (
    <li class="match">
      <h3 id={nameId}>
        {match.expert.name}
        {match.expert.affiliation && <span class="muted">{`（${match.expert.affiliation}）`}</span>}
      </h3>
      <p>
        {`${t.score}: `}
        <span class="score">{match.score}</span>
        {` ・ ${t.formats[match.format]}`}
      </p>
      <ul class="reasons" aria-label={t.reasons}>
        {match.reasons.map((reason) => (
          <li>{reason}</li>
        ))}
      </ul>
      <form method="post" action={`/staff/requests/${requestId}/book`}>
        <CsrfField csrf={csrf} />
        <input type="hidden" name="expertId" value={match.expert.id} />
        {byDay(match.slots, (s) => s.start).map(([day, slots], d) => (
          <div>
            <h4 id={`${nameId}-day-${d}`}>{formatDay(t, day)}</h4>
            <div class="slot-buttons">
              {slots.map((slot) => (
                <button
                  type="submit"
                  class="secondary"
                  name="start"
                  value={slot.start}
                  aria-describedby={`${nameId} ${nameId}-day-${d}`}
                >
                  {`${formatTime(slot.start)}–${formatTime(slot.end)}`}
                </button>
              ))}
            </div>
          </div>
        ))}
      </form>
    </li>
  );
}
