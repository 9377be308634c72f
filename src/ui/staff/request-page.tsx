import type { Context, Hono } from 'hono';
import { companyStatusUrl } from '../../auth/company-link.ts';
import type { ExpertBody } from '../../routes/experts/schema.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import { CsrfField } from '../area-page.tsx';
import { Confirm } from '../confirm.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, Notice } from '../fields.tsx';
import { type Flash, redirectWith, takeFlash } from '../flash.ts';
import { type FormValues, readForm } from '../form-values.ts';
import { byDay, formatDateTime, formatDay, formatTime, tokyoInputInstant } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { PageNotFound } from '../page-errors.ts';
import { QuotaNote } from '../quota-note.tsx';
import { RequestFacts, SessionBadge } from '../request-facts.tsx';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { AuditTrail, auditOf } from './audit-trail.tsx';
import {
  type ExcludedExpert,
  ExcludedList,
  type FactorBody,
  FactorList,
} from './match-factors.tsx';
import { ForceField } from './over-budget.tsx';
import { requestOutcomes } from './request-outcomes.tsx';
import { canChange, requireReader, requireStaff } from './session.ts';
import { staffPage } from './staff-page.tsx';
import { bookableInputRange, VisitPanel } from './visit-panel.tsx';

const MATCHES = 10;
const MORE_MATCHES = 50;
const SLOTS_PER_EXPERT = 12;
const ALL_SLOTS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Match = {
  expert: { id: string; name: string; affiliation: string };
  format: 'onsite' | 'online';
  score: number;
  factors: FactorBody[];
  slots: { start: string; end: string }[];
};

type Matches = { matches: Match[]; excluded: ExcludedExpert[]; fullFiscalYears: number[] };

/**
 * One request: what was applied for, the office's decision, its visit with everything staff
 * do to it, and while it can be booked the ranked experts with their free times.
 */
export function registerRequestPage(ui: Hono<UiEnv>) {
  ui.get('/staff/requests/:id', requireReader, (c) => requestPage(c));

  ui.post('/staff/requests/:id/book', requireStaff, async (c) => {
    const form = await readForm(c);
    const id = requestId(c);
    // A slot button posts its start; the free form posts a Japan-time datetime-local value.
    const start = form.get('start') || tokyoInputInstant(form.get('startLocal'));
    const booked = await asSignedIn(c, 'POST', `/v1/requests/${id}/sessions`, {
      expertId: form.get('expertId'),
      start,
    });
    if (booked.status === 404) throw new PageNotFound();
    return redirectWith(c, `/staff/requests/${id}`, outcome(c, booked, 'booked'));
  });

  decision(ui, 'accept', 'accepted', (form): Record<string, string | boolean> => {
    const note = form.get('note');
    return { ...(note ? { note } : {}), force: form.get('force') === 'on' };
  });
  decision(ui, 'decline', 'declined', (form) => ({ reason: form.get('reason') }));

  confirmed(ui, 'withdraw', {
    title: (t) => t.withdrawTitle,
    lead: (t) => t.staffWithdrawLead,
    button: (t) => t.withdrawButton,
    reason: true,
    act: (c, id, form) =>
      asSignedIn(c, 'POST', `/v1/requests/${id}/cancel`, reasonOf(form.get('reason'))),
    notice: 'withdrawn',
  });

  confirmed(ui, 'access-token', {
    title: (t) => t.accessLinkButton,
    lead: (t) => t.accessLinkLead,
    button: (t) => t.accessLinkButton,
    reason: false,
    act: (c, id) => asSignedIn(c, 'POST', `/v1/requests/${id}/access-token`),
    notice: 'linkIssued',
  });
}

/** The request id of the path: a UUID, or no such page. */
function requestId(c: Context<SignedInEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new PageNotFound();
  return id;
}

/** A Japan-time datetime-local value (2026-12-03T10:00) as an RFC 3339 instant. */
const reasonOf = (reason: string) => (reason === '' ? {} : { reason });

/** What an API call's answer tells the page it redirects to. */
function outcome(
  c: Context<SignedInEnv>,
  result: { ok: boolean; problem?: { code: string; detail: string }; status: number },
  notice: string,
): Flash {
  if (result.ok) return { notice };
  if (result.status >= 500 || !result.problem) {
    throw new Error(`staff action answered ${result.status}`);
  }
  return { problem: c.get('t').problems[result.problem.code] ?? result.problem.detail };
}

/** The office's decision on an application: the API call, then back to the request page. */
function decision(
  ui: Hono<UiEnv>,
  action: 'accept' | 'decline',
  notice: string,
  body: (form: FormValues) => Record<string, string | boolean>,
) {
  ui.post(`/staff/requests/:id/${action}`, requireStaff, async (c) => {
    const id = requestId(c);
    const decided = await asSignedIn(
      c,
      'POST',
      `/v1/requests/${id}/${action}`,
      body(await readForm(c)),
    );
    if (decided.status === 404) throw new PageNotFound();
    return redirectWith(c, `/staff/requests/${id}`, outcome(c, decided, notice));
  });
}

/** An action that cannot be undone: a confirmation page (GET), then the action (POST). */
function confirmed(
  ui: Hono<UiEnv>,
  name: string,
  spec: {
    title: (t: Strings) => string;
    lead: (t: Strings) => string;
    button: (t: Strings) => string;
    reason: boolean;
    act: (
      c: Context<SignedInEnv>,
      id: string,
      form: FormValues,
    ) => Promise<{ ok: boolean; status: number; problem?: { code: string; detail: string } }>;
    notice: string;
  },
) {
  const path = `/staff/requests/:id/${name}`;
  ui.get(path, requireStaff, async (c) => {
    const t = c.get('t');
    const id = requestId(c);
    const request = await readSignedIn<RequestBody>(c, `/v1/requests/${id}`);
    return staffPage(
      c,
      { title: spec.title(t), area: 'requests' },
      <Confirm
        t={t}
        title={spec.title(t)}
        lead={`${request.company.name} — ${spec.lead(t)}`}
        action={c.req.path}
        button={spec.button(t)}
        back={`/staff/requests/${id}`}
        hidden={{ csrf: c.get('session').csrf }}
        reason={spec.reason ? t.reason : undefined}
      />,
    );
  });
  ui.post(path, requireStaff, async (c) => {
    const id = requestId(c);
    const result = await spec.act(c, id, await readForm(c));
    if (result.status === 404) throw new PageNotFound();
    return redirectWith(c, `/staff/requests/${id}`, outcome(c, result, spec.notice));
  });
}

async function requestPage(c: Context<SignedInEnv>) {
  const t = c.get('t');
  const id = requestId(c);
  const flash = await takeFlash(c);
  const more = c.req.query('experts') === 'more';
  const allOf = c.req.query('slots');
  const request = await readSignedIn<RequestBody>(c, `/v1/requests/${id}`);
  // A viewer reads the request and its visits; the office's actions and history are staff's.
  const staff = canChange(c);
  const bookable = staff && (request.status === 'received' || request.status === 'accepted');
  const visit = request.sessions.find((s) => s.status === 'confirmed') ?? null;
  const [{ matches, excluded, fullFiscalYears }, trail, link, expert] = await Promise.all([
    bookable
      ? readSignedIn<Matches>(
          c,
          `/v1/requests/${id}/matches?limit=${more ? MORE_MATCHES : MATCHES}&slotsPerExpert=${allOf ? ALL_SLOTS : SLOTS_PER_EXPERT}`,
        )
      : ({ matches: [], excluded: [], fullFiscalYears: [] } satisfies Matches),
    staff
      ? auditOf(c, [
          { type: 'request', id },
          ...request.sessions.map((s) => ({ type: 'session' as const, id: s.id })),
        ])
      : Promise.resolve([]),
    flash.notice === 'linkIssued'
      ? companyStatusUrl(c.get('deps').db, c.get('deps').config, id)
      : Promise.resolve(undefined),
    staff && visit
      ? readSignedIn<ExpertBody>(c, `/v1/experts/${visit.expertId}`)
      : Promise.resolve(null),
  ]);
  const csrf = c.get('session').csrf;
  const { config } = c.get('deps');
  return staffPage(
    c,
    { title: request.company.name, area: 'requests' },
    <>
      <p>
        <a href="/staff">{t.backToQueue}</a>
      </p>
      <h1>{request.company.name}</h1>
      {flash.notice && <Notice>{t.notices[flash.notice]}</Notice>}
      {flash.problem && <Alert>{flash.problem}</Alert>}
      {link && (
        <section class="panel" aria-labelledby="new-link-title">
          <h2 id="new-link-title">{t.accessLinkTitle}</h2>
          <Notice>{t.accessLinkIssued}</Notice>
          <p class="token-box">
            <code>{link}</code>
          </p>
        </section>
      )}
      {staff && request.status === 'received' && (
        <ReviewPanel t={t} requestId={request.id} csrf={csrf} />
      )}
      {staff && visit && expert && (
        <VisitPanel t={t} request={request} visit={visit} expert={expert} csrf={csrf} />
      )}
      <section class="panel" aria-labelledby="facts-title">
        <h2 id="facts-title">{t.requestDetails}</h2>
        <RequestFacts t={t} request={request} />
        {request.review && (
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
        )}
        {staff && (
          <p class="actions">
            <a href={`/staff/requests/${id}/access-token`}>{t.accessLinkButton}</a>
            {(request.status === 'received' ||
              request.status === 'accepted' ||
              request.status === 'scheduled') && (
              <a href={`/staff/requests/${id}/withdraw`}>{t.withdrawButton}</a>
            )}
          </p>
        )}
      </section>
      {request.sessions.length > 0 && (
        <section class="panel" aria-labelledby="sessions-title">
          <h2 id="sessions-title">{t.sessionsTitle}</h2>
          <ul class="reasons">
            {request.sessions.map((s: SessionBody) => (
              <li>
                {formatDateTime(t, s.start)} {t.formats[s.format]}{' '}
                <SessionBadge t={t} status={s.status} />
                {s.cancelReason && ` ${t.reasonQuoted(s.cancelReason)}`}
              </li>
            ))}
          </ul>
        </section>
      )}
      {await requestOutcomes(c, request)}
      {bookable && (
        <section aria-labelledby="matches-title">
          <h2 id="matches-title">{t.matchesTitle}</h2>
          <QuotaNote t={t} years={fullFiscalYears} limit={config.visitsPerCompanyPerFy} />
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
                    csrf={csrf}
                    all={allOf === match.expert.id}
                  />
                ))}
              </ol>
              {!more && matches.length === MATCHES && (
                <p>
                  <a href={`/staff/requests/${id}?experts=more`}>{t.moreExperts}</a>
                </p>
              )}
              <FreeStart
                t={t}
                requestId={request.id}
                csrf={csrf}
                matches={matches}
                {...bookableInputRange(c)}
              />
            </>
          )}
          <ExcludedList t={t} excluded={excluded} />
        </section>
      )}
      {staff && <AuditTrail t={t} events={trail} />}
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
        <ForceField t={t} />
        <button type="submit">{t.acceptButton}</button>
      </form>
      <form method="post" action={`/staff/requests/${requestId}/decline`} class="inline-form">
        <CsrfField csrf={csrf} />
        <div class="field">
          <label for="decline-reason">
            {t.declineReasonLabel}
            <span class="tag required">{t.required}</span>
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
  /** All of the expert's slots are shown (else the first few, and a link to the rest). */
  all: boolean;
}) {
  const { t, requestId, match, rank, csrf, all } = props;
  const nameId = `match-${rank}`;
  return (
    <li class="match">
      <h3 id={nameId}>
        {match.expert.name}
        {match.expert.affiliation && (
          <span class="muted">{t.matching.inParens(match.expert.affiliation)}</span>
        )}
      </h3>
      <p>
        {`${t.score}: `}
        <span class="score">{match.score}</span>
      </p>
      <FactorList t={t} factors={match.factors} />
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
      {!all && match.slots.length === SLOTS_PER_EXPERT && (
        <p>
          <a href={`/staff/requests/${requestId}?slots=${match.expert.id}#${nameId}`}>
            {t.allSlotsOf(match.expert.name)}
          </a>
        </p>
      )}
    </li>
  );
}

/** Staff may book any free start in the bookable window, not only the listed ones. */
function FreeStart(props: {
  t: Strings;
  requestId: string;
  csrf: string;
  matches: Match[];
  min: string;
  max: string;
}) {
  const { t, requestId, csrf, matches, min, max } = props;
  return (
    <section class="panel" aria-labelledby="free-start-title">
      <h3 id="free-start-title">{t.freeStartTitle}</h3>
      <p>{t.freeStartLead}</p>
      <form method="post" action={`/staff/requests/${requestId}/book`} class="inline-form">
        <CsrfField csrf={csrf} />
        <div class="field">
          <label for="free-expert">{t.expert}</label>
          <select id="free-expert" name="expertId" required>
            {matches.map((m) => (
              <option value={m.expert.id}>{m.expert.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="free-start">{t.freeStartLabel}</label>
          <input
            type="datetime-local"
            id="free-start"
            name="startLocal"
            min={min}
            max={max}
            step={1800}
            required
          />
        </div>
        <button type="submit">{t.bookThisTime}</button>
      </form>
    </section>
  );
}
