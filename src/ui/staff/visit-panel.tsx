import type { Context, Hono } from 'hono';
import { bookableRange } from '../../domain/availability.ts';
import { MINUTE_MS } from '../../domain/time.ts';
import type { ExpertBody } from '../../routes/experts/schema.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import { CsrfField } from '../area-page.tsx';
import { Confirm } from '../confirm.tsx';
import type { UiEnv } from '../context.ts';
import { redirectWith, takeFlash } from '../flash.ts';
import { formValues, readForm } from '../form-values.ts';
import {
  formatDateTime,
  formatRange,
  formatTime,
  localInputValue,
  tokyoInputInstant,
} from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { PageNotFound } from '../page-errors.ts';
import { prefectureName } from '../request-facts.tsx';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import type { Slot } from '../slot-picker.tsx';
import { fileVisitReport, VisitReportForm } from '../visit-report.tsx';
import { requireStaff } from './session.ts';
import { staffPage } from './staff-page.tsx';

const GRID_MS = 30 * MINUTE_MS;
const LOCAL_INPUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The bookable period (MIN_NOTICE_HOURS to HORIZON_DAYS ahead) as a datetime-local field's
 * min and max in Japan time, on the half-hour grid staff book on.
 */
export function bookableInputRange(c: Context<SignedInEnv>) {
  const { clock, config } = c.get('deps');
  const range = bookableRange(clock(), config);
  return {
    min: localInputValue(Math.ceil(range.start / GRID_MS) * GRID_MS),
    max: localInputValue(Math.floor(range.end / GRID_MS) * GRID_MS),
  };
}

/** The booked visit on its request's page, with what staff can do to it. */
export function VisitPanel(props: {
  t: Strings;
  request: RequestBody;
  visit: SessionBody;
  expert: Pick<ExpertBody, 'name' | 'affiliation'>;
  csrf: string;
}) {
  const { t, request, visit, expert, csrf } = props;
  const base = `/staff/requests/${request.id}/visits/${visit.id}`;
  return (
    <section class="panel" aria-labelledby="visit-title">
      <h2 id="visit-title">{t.visitTitle}</h2>
      <dl class="facts">
        <dt>{t.when}</dt>
        <dd>{formatRange(t, visit.start, visit.end)}</dd>
        <dt>{t.format}</dt>
        <dd>{t.formats[visit.format]}</dd>
        <dt>{t.place}</dt>
        <dd>
          {visit.format === 'onsite'
            ? (request.company.address ?? prefectureName(t, request.company.prefectureCode))
            : (visit.meetingUrl ?? t.notSetYet)}
        </dd>
        <dt>{t.expert}</dt>
        <dd>
          <a href={`/staff/experts/${visit.expertId}`}>{expert.name}</a>
          {expert.affiliation && t.matching.inParens(expert.affiliation)}
        </dd>
      </dl>
      {visit.format === 'online' && (
        <form method="post" action={`${base}/meeting-url`} class="inline-form">
          <CsrfField csrf={csrf} />
          <div class="field">
            <label for="meeting-url">{t.meetingUrl}</label>
            <span class="hint" id="meeting-url-hint">
              {t.meetingUrlHint}
            </span>
            <input
              type="url"
              id="meeting-url"
              name="meetingUrl"
              value={visit.meetingUrl ?? ''}
              aria-describedby="meeting-url-hint"
            />
          </div>
          <button type="submit" class="secondary">
            {t.meetingUrlSave}
          </button>
        </form>
      )}
      <p class="actions">
        <a class="button secondary" href={`${base}/reschedule`}>
          {t.rescheduleTitle}
        </a>
        <a class="button secondary" href={`${base}/report`}>
          {t.fileReport}
        </a>
        <a href={`${base}/no-show`}>{t.markNoShow}</a>
        <a class="button danger" href={`${base}/cancel`}>
          {t.cancelVisitButton}
        </a>
      </p>
    </section>
  );
}

/** Staff's actions on a booked visit, each on a page of its own under its request. */
export function registerVisitActions(ui: Hono<UiEnv>) {
  const path = '/staff/requests/:id/visits/:sessionId';

  ui.post(`${path}/meeting-url`, requireStaff, async (c) => {
    const { requestId, sessionId } = ids(c);
    const url = (await readForm(c)).get('meetingUrl');
    const saved = await asSignedIn(c, 'PUT', `/v1/sessions/${sessionId}/meeting-url`, {
      url: url === '' ? null : url,
    });
    if (saved.status === 404) throw new PageNotFound();
    return redirectWith(
      c,
      `/staff/requests/${requestId}`,
      saved.ok ? { notice: 'meetingUrlSaved' } : { problem: c.get('t').meetingUrlInvalid },
    );
  });

  ui.get(`${path}/reschedule`, requireStaff, async (c) => {
    const t = c.get('t');
    const { requestId, sessionId } = ids(c);
    const [visit, { slots }] = await Promise.all([
      readSignedIn<SessionBody>(c, `/v1/sessions/${sessionId}`),
      readSignedIn<{ slots: Slot[] }>(c, `/v1/sessions/${sessionId}/slots`),
    ]);
    const flash = await takeFlash(c);
    return staffPage(
      c,
      { title: t.rescheduleTitle, area: 'requests' },
      <>
        <p>
          <a href={`/staff/requests/${requestId}`}>{t.backToRequest}</a>
        </p>
        <h1>{t.rescheduleTitle}</h1>
        <p>{`${t.nowAt}: ${formatRange(t, visit.start, visit.end)}`}</p>
        {flash.problem && (
          <div class="alert" role="alert">
            {flash.problem}
          </div>
        )}
        <form method="get" action={`${c.req.path}/confirm`} class="panel stack">
          <div class="field">
            <label for="move-to">{t.moveToListed}</label>
            <select id="move-to" name="start">
              <option value="">{t.chooseOne}</option>
              {slots.map((slot) => (
                <option value={slot.start}>
                  {`${formatDateTime(t, slot.start)}–${formatTime(slot.end)}`}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="move-free">{t.moveToFree}</label>
            <span class="hint" id="move-free-hint">
              {t.freeStartLead}
            </span>
            <input
              type="datetime-local"
              id="move-free"
              name="startLocal"
              {...bookableInputRange(c)}
              step={1800}
              aria-describedby="move-free-hint"
            />
          </div>
          <div class="actions">
            <button type="submit">{t.rescheduleCheck}</button>
          </div>
        </form>
      </>,
    );
  });
  // The time chosen, from the old to the new, before anyone is told of the move.
  ui.get(`${path}/reschedule/confirm`, requireStaff, async (c) => {
    const t = c.get('t');
    const { requestId, sessionId } = ids(c);
    const chooser = `/staff/requests/${requestId}/visits/${sessionId}/reschedule`;
    const local = c.req.query('startLocal') ?? '';
    const at = Date.parse(
      c.req.query('start') || (LOCAL_INPUT.test(local) ? tokyoInputInstant(local) : ''),
    );
    if (Number.isNaN(at)) return redirectWith(c, chooser, { problem: t.chooseATime });
    const visit = await readSignedIn<SessionBody>(c, `/v1/sessions/${sessionId}`);
    const length = Date.parse(visit.end) - Date.parse(visit.start);
    return staffPage(
      c,
      { title: t.rescheduleTitle, area: 'requests' },
      <Confirm
        t={t}
        title={t.rescheduleTitle}
        lead={t.rescheduleConfirmLead(
          formatRange(t, visit.start, visit.end),
          formatRange(t, at, at + length),
        )}
        action={chooser}
        button={t.rescheduleButton}
        back={chooser}
        hidden={{ csrf: c.get('session').csrf, start: new Date(at).toISOString() }}
      />,
    );
  });
  ui.post(`${path}/reschedule`, requireStaff, async (c) => {
    const { requestId, sessionId } = ids(c);
    const start = (await readForm(c)).get('start');
    const moved = await asSignedIn(c, 'POST', `/v1/sessions/${sessionId}/reschedule`, { start });
    if (moved.status === 404) throw new PageNotFound();
    const t = c.get('t');
    if (moved.ok) return redirectWith(c, `/staff/requests/${requestId}`, { notice: 'rescheduled' });
    return redirectWith(c, c.req.path, {
      problem:
        start === '' ? t.chooseATime : (t.problems[moved.problem.code] ?? moved.problem.detail),
    });
  });

  ui.get(`${path}/report`, requireStaff, async (c) => {
    const t = c.get('t');
    const { requestId, sessionId } = ids(c);
    const [visit, request] = await Promise.all([
      readSignedIn<SessionBody>(c, `/v1/sessions/${sessionId}`),
      readSignedIn<RequestBody>(c, `/v1/requests/${requestId}`),
    ]);
    const flash = await takeFlash(c);
    const errors = flash.errors ?? {};
    return staffPage(
      c,
      { title: t.reportTitle, area: 'requests', errors: Object.keys(errors).length > 0 },
      <>
        <p>
          <a href={`/staff/requests/${requestId}`}>{t.backToRequest}</a>
        </p>
        <h1>{t.reportTitle}</h1>
        <p>{`${formatRange(t, visit.start, visit.end)} — ${t.staffReportLead}`}</p>
        {flash.problem && (
          <div class="alert" role="alert">
            {flash.problem}
          </div>
        )}
        <VisitReportForm
          t={t}
          action={c.req.path}
          csrf={c.get('session').csrf}
          values={formValues(flash.values)}
          errors={errors}
          requested={request.topics}
          booked={visit}
        />
      </>,
    );
  });
  ui.post(`${path}/report`, requireStaff, (c) => {
    const { requestId, sessionId } = ids(c);
    return fileVisitReport(c, sessionId, `/staff/requests/${requestId}`);
  });

  for (const [action, api, notice] of [
    ['cancel', 'cancel', 'visitCancelled'],
    ['no-show', 'no-show', 'noShowRecorded'],
  ] as const) {
    ui.get(`${path}/${action}`, requireStaff, async (c) => {
      const t = c.get('t');
      const { requestId, sessionId } = ids(c);
      const visit = await readSignedIn<SessionBody>(c, `/v1/sessions/${sessionId}`);
      const expert = await readSignedIn<ExpertBody>(c, `/v1/experts/${visit.expertId}`);
      const cancel = action === 'cancel';
      return staffPage(
        c,
        { title: cancel ? t.cancelVisitTitle : t.noShowTitle, area: 'requests' },
        <Confirm
          t={t}
          title={cancel ? t.cancelVisitTitle : t.noShowTitle}
          lead={`${formatRange(t, visit.start, visit.end)}${t.matching.inParens(expert.name)} — ${cancel ? t.staffCancelLead : t.noShowLead}`}
          action={c.req.path}
          button={cancel ? t.cancelVisitButton : t.noShowButton}
          back={`/staff/requests/${requestId}`}
          hidden={{ csrf: c.get('session').csrf }}
          reason={cancel ? t.reason : undefined}
        />,
      );
    });
    ui.post(`${path}/${action}`, requireStaff, async (c) => {
      const { requestId, sessionId } = ids(c);
      const reason = (await readForm(c)).get('reason');
      const done = await asSignedIn(
        c,
        'POST',
        `/v1/sessions/${sessionId}/${api}`,
        action === 'cancel' && reason !== '' ? { reason } : undefined,
      );
      if (done.status === 404) throw new PageNotFound();
      const t = c.get('t');
      return redirectWith(
        c,
        `/staff/requests/${requestId}`,
        done.ok ? { notice } : { problem: t.problems[done.problem.code] ?? done.problem.detail },
      );
    });
  }
}

function ids(c: Context<SignedInEnv>) {
  const requestId = c.req.param('id') ?? '';
  const sessionId = c.req.param('sessionId') ?? '';
  if (!UUID.test(requestId) || !UUID.test(sessionId)) throw new PageNotFound();
  return { requestId, sessionId };
}
