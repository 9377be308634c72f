import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { expertById } from '../../routes/experts/queries.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import type { ApiResult } from '../api-client.ts';
import type { UiEnv } from '../context.ts';
import { notFoundPage } from '../error-pages.tsx';
import { type FormValues, readForm } from '../form-values.ts';
import { renderPage } from '../render.tsx';
import { parseSlot, type Slot } from '../slot-picker.tsx';
import { requestIdOfLink } from './company-token.ts';
import { outcomePanels } from './outcome-panels.tsx';
import { registerOutcomePages } from './outcome-routes.ts';
import { StatusPage, type Visit } from './status-page.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Shown = { notice?: string; problem?: string; status?: ContentfulStatusCode };

/** The company's status link, /r/<accessToken>: every call is made with that token. */
export function registerRequestPages(ui: Hono<UiEnv>) {
  ui.get('/r/:token', async (c) => {
    const requestId = await requestIdOfLink(c);
    if (!requestId) return notFoundPage(c, c.get('t').notFoundRequest);
    const key = c.req.query('notice') ?? '';
    const notice = c.get('t').notices[key] ?? c.get('t').outcomes.notices[key];
    return statusPage(c, requestId, { notice });
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
  action(ui, 'withdraw', 'withdrawn', async (c, requestId, form) =>
    c.get('api').json('POST', `/v1/requests/${requestId}/cancel`, {
      token: c.req.param('token'),
      body: reasonOf(form.get('reason')),
    }),
  );
  registerOutcomePages(ui);
}

/**
 * A form on the status page: the API call, then back to the page with a notice (303, so a
 * reload does not post again), or the page again with what went wrong.
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
    if (result.ok) return c.redirect(`/r/${c.req.param('token')}?notice=${notice}`, 303);
    const { problem } = result;
    if (problem.status >= 500)
      throw new Error(`${name} answered ${problem.status} ${problem.code}`);
    return statusPage(c, requestId, {
      problem: c.get('t').problems[problem.code] ?? problem.detail,
      status: problem.status as ContentfulStatusCode,
    });
  });
}

// A session id from a form goes into an API path: anything but a UUID is refused there (400).
const sessionIdOf = (value: string) => encodeURIComponent(value);

const reasonOf = (reason: string) => (reason === '' ? {} : { reason });

async function statusPage(c: Context<UiEnv>, requestId: string, shown: Shown) {
  const t = c.get('t');
  const token = c.req.param('token') ?? '';
  const api = c.get('api');
  const read = await api.json<RequestBody>('GET', `/v1/requests/${requestId}`, { token });
  if (!read.ok) return notFoundPage(c, t.notFoundRequest);
  const request = read.body;
  const session = request.sessions.find((s) => s.status === 'confirmed');
  // A booked visit moves within its expert's slots; an accepted request still to book offers
  // them all; one under review or declined offers none.
  const slots = session
    ? await slotsOf(c, `/v1/sessions/${session.id}/slots`, token)
    : request.status === 'accepted'
      ? await slotsOf(c, `/v1/requests/${request.id}/slots`, token)
      : [];
  const visit = session ? await visitOf(c, session) : null;
  return renderPage(
    c,
    { title: t.requestTitle, status: shown.status ?? 200, path: `/r/${token}` },
    <StatusPage
      t={t}
      token={token}
      request={request}
      slots={slots}
      visit={visit}
      outcomes={await outcomePanels(c, request, token)}
      notice={shown.notice}
      problem={shown.problem}
    />,
  );
}

async function slotsOf(c: Context<UiEnv>, path: string, token: string) {
  const res = await c.get('api').json<{ slots: Slot[] }>('GET', path, { token });
  if (!res.ok) throw new Error(`slots answered ${res.status} ${res.problem.code}`);
  return res.body.slots;
}

// The slots the company sees name the expert; so does its booked visit.
async function visitOf(c: Context<UiEnv>, session: SessionBody): Promise<Visit> {
  const expert = await expertById(c.get('deps').db, session.expertId);
  return { session, expert: { name: expert.name, affiliation: expert.affiliation } };
}
