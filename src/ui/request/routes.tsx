import type { Context, Hono } from 'hono';
import { expertById } from '../../routes/experts/queries.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import type { ApiResult } from '../api-client.ts';
import { Confirm } from '../confirm.tsx';
import type { UiEnv } from '../context.ts';
import { notFoundPage } from '../error-pages.tsx';
import { type Flash, redirectWith, takeFlash } from '../flash.ts';
import { type FormValues, readForm } from '../form-values.ts';
import { formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { renderPage } from '../render.tsx';
import { parseSlot, type Slot } from '../slot-picker.tsx';
import { attendanceCall } from './attendance-panel.tsx';
import { requestIdOfLink } from './company-token.ts';
import { outcomePanels } from './outcome-panels.tsx';
import { registerOutcomePages } from './outcome-routes.ts';
import { StatusPage, type Visit } from './status-page.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The company's status link, /r/<accessToken>: every call is made with that token. */
export function registerRequestPages(ui: Hono<UiEnv>) {
  ui.get('/r/:token', async (c) => {
    const requestId = await requestIdOfLink(c);
    if (!requestId) return notFoundPage(c, c.get('t').notFoundRequest);
    return statusPage(c, requestId, await takeFlash(c));
  });

  // What cannot be undone is asked for twice: the button on the status page is a link to
  // a page that says what will happen, and only the form there does it.
  ui.get('/r/:token/cancel-visit', async (c) => {
    const requestId = await requestIdOfLink(c);
    if (!requestId) return notFoundPage(c, c.get('t').notFoundRequest);
    const t = c.get('t');
    const token = c.req.param('token');
    const read = await c
      .get('api')
      .json<SessionBody>('GET', `/v1/sessions/${sessionIdOf(c.req.query('sessionId') ?? '')}`, {
        token,
      });
    if (!read.ok || read.body.status !== 'confirmed') return c.redirect(`/r/${token}`, 303);
    const session = read.body;
    return renderPage(
      c,
      { title: t.cancelVisitTitle, path: c.req.path },
      <Confirm
        t={t}
        title={t.cancelVisitTitle}
        lead={t.cancelVisitConfirm(formatRange(t, session.start, session.end))}
        action={`/r/${token}/cancel-visit`}
        button={t.cancelVisitButton}
        back={`/r/${token}`}
        hidden={{ sessionId: session.id }}
        reason={t.reason}
      />,
    );
  });

  ui.get('/r/:token/withdraw', async (c) => {
    const requestId = await requestIdOfLink(c);
    if (!requestId) return notFoundPage(c, c.get('t').notFoundRequest);
    const t = c.get('t');
    const token = c.req.param('token');
    return renderPage(
      c,
      { title: t.withdrawTitle, path: c.req.path },
      <Confirm
        t={t}
        title={t.withdrawTitle}
        lead={t.withdrawConfirm}
        action={`/r/${token}/withdraw`}
        button={t.withdrawButton}
        back={`/r/${token}`}
        reason={t.reason}
      />,
    );
  });

  ui.get('/r/:token/visits/:sessionId/calendar.ics', async (c) => {
    // The id goes into an API path: a UUID and nothing else (no `..%2F`).
    const sessionId = c.req.param('sessionId');
    if (!UUID.test(sessionId) || !(await requestIdOfLink(c))) return notFoundPage(c);
    const res = await c
      .get('api')
      .raw(`/v1/sessions/${sessionId}/calendar.ics`, { token: c.req.param('token') });
    return res.ok ? res : notFoundPage(c);
  });

  action(ui, 'book', 'booked', async (c, requestId, form) =>
    c.get('api').json('POST', `/v1/requests/${requestId}/sessions`, {
      token: c.req.param('token'),
      body: parseSlot(form.get('slot')),
    }),
  );
  action(ui, 'reschedule', 'rescheduled', async (c, _requestId, form) =>
    c.get('api').json('POST', `/v1/sessions/${sessionIdOf(form.get('sessionId'))}/reschedule`, {
      token: c.req.param('token'),
      body: { start: parseSlot(form.get('slot')).start },
    }),
  );
  action(ui, 'cancel-visit', 'visitCancelled', async (c, _requestId, form) =>
    c.get('api').json('POST', `/v1/sessions/${sessionIdOf(form.get('sessionId'))}/cancel`, {
      token: c.req.param('token'),
      body: reasonOf(form.get('reason')),
    }),
  );
  action(ui, 'attendance', 'attendanceRecorded', attendanceCall);
  action(ui, 'withdraw', 'withdrawn', async (c, requestId, form) =>
    c.get('api').json('POST', `/v1/requests/${requestId}/cancel`, {
      token: c.req.param('token'),
      body: reasonOf(form.get('reason')),
    }),
  );
  registerOutcomePages(ui);
}

/**
 * A form on the status page: the API call, then back to the page (303, so a reload does not
 * post again) with a notice or with what went wrong, either shown once.
 */
function action(
  ui: Hono<UiEnv>,
  name: string,
  notice: string,
  call: (c: Context<UiEnv>, requestId: string, form: FormValues) => Promise<ApiResult<unknown>>,
) {
  ui.post(`/r/:token/${name}`, async (c) => {
    const requestId = await requestIdOfLink(c);
    if (!requestId) return notFoundPage(c, c.get('t').notFoundRequest);
    const result = await call(c, requestId, await readForm(c));
    const page = `/r/${c.req.param('token')}`;
    if (result.ok) return redirectWith(c, page, { notice });
    const { problem } = result;
    if (problem.status >= 500)
      throw new Error(`${name} answered ${problem.status} ${problem.code}`);
    return redirectWith(c, page, {
      problem: c.get('t').problems[problem.code] ?? problem.detail,
    });
  });
}

// A session id from a form goes into an API path: anything but a UUID is refused there (400).
const sessionIdOf = (value: string) => encodeURIComponent(value);

const reasonOf = (reason: string) => (reason === '' ? {} : { reason });

async function statusPage(c: Context<UiEnv>, requestId: string, flash: Flash) {
  const t = c.get('t');
  const { config } = c.get('deps');
  const token = c.req.param('token') ?? '';
  const api = c.get('api');
  const read = await api.json<RequestBody>('GET', `/v1/requests/${requestId}`, { token });
  if (!read.ok) return notFoundPage(c, t.notFoundRequest);
  const request = read.body;
  const session = request.sessions.find((s) => s.status === 'confirmed');
  // A booked visit moves within its expert's slots; an accepted request still to book offers
  // them all; one under review or declined offers none.
  const { slots, fullFiscalYears } = session
    ? await slotsOf(c, `/v1/sessions/${session.id}/slots`, token)
    : request.status === 'accepted'
      ? await slotsOf(c, `/v1/requests/${request.id}/slots`, token)
      : { slots: [], fullFiscalYears: [] };
  const visit = session ? await visitOf(c, session) : null;
  return renderPage(
    c,
    { title: t.requestTitle, path: `/r/${token}` },
    <StatusPage
      t={t}
      token={token}
      request={request}
      slots={slots}
      quota={{ fullYears: fullFiscalYears, limit: config.visitsPerCompanyPerFy }}
      visit={visit}
      address={`${config.publicBaseUrl}/r/${token}`}
      applied={flash.notice === 'applied'}
      office={{ email: config.officeEmail, phone: config.officePhone }}
      notice={flash.notice === 'applied' ? undefined : noticeText(t, flash.notice)}
      problem={flash.problem}
      outcomes={await outcomePanels(c, request, token)}
    />,
  );
}

/** A notice's words: the status page's own, or an outcome form's (survey, readiness). */
const noticeText = (t: Strings, key: string | undefined) =>
  key ? (t.notices[key] ?? t.outcomes.notices[key]) : undefined;

async function slotsOf(c: Context<UiEnv>, path: string, token: string) {
  const res = await c
    .get('api')
    .json<{ slots: Slot[]; fullFiscalYears: number[] }>('GET', path, { token });
  if (!res.ok) throw new Error(`slots answered ${res.status} ${res.problem.code}`);
  return res.body;
}

// The slots the company sees name the expert; so does its booked visit.
async function visitOf(c: Context<UiEnv>, session: SessionBody): Promise<Visit> {
  const expert = await expertById(c.get('deps').db, session.expertId);
  return { session, expert: { name: expert.name, affiliation: expert.affiliation } };
}
