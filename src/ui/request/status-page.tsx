import type { Child } from 'hono/jsx';
import { requestTransition } from '../../domain/request-lifecycle.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import { Alert, Notice } from '../fields.tsx';
import { formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { RequestFacts, SessionList } from '../request-facts.tsx';
import { type Slot, SlotPicker } from '../slot-picker.tsx';

export type Visit = { session: SessionBody; expert: { name: string; affiliation: string } };

export type StatusProps = {
  t: Strings;
  token: string;
  request: RequestBody;
  /** Bookable slots (a received request) or the visit's expert's other slots (scheduled). */
  slots: Slot[];
  visit: Visit | null;
  /** The survey and readiness panels (outcome-panels.tsx). */
  outcomes?: Child;
  notice?: string;
  problem?: string;
};

/** The company's page: what it applied for, and what it can do next. */
export function StatusPage(props: StatusProps) {
  const { t, token, request, slots, visit, outcomes, notice, problem } = props;
  const base = `/r/${token}`;
  const open = requestTransition('cancel', request.status) !== null;
  const past = request.sessions.filter((s) => s.id !== visit?.session.id);
  return (
    <>
      <h1>{t.requestTitle}</h1>
      {notice && <Notice>{notice}</Notice>}
      {problem && <Alert>{problem}</Alert>}

      {request.status === 'received' && (
        <section class="panel" aria-labelledby="review-title">
          <h2 id="review-title">{t.reviewTitle}</h2>
          <p>{t.reviewLead}</p>
        </section>
      )}

      {request.status === 'declined' && (
        <section class="panel" aria-labelledby="declined-title">
          <h2 id="declined-title">{t.declinedTitle}</h2>
          <p>{t.declinedLead}</p>
          {request.review?.note && <ReviewNote label={t.reviewReason} note={request.review.note} />}
        </section>
      )}

      {request.status !== 'declined' && request.review?.note && (
        <ReviewNote label={t.reviewNote} note={request.review.note} />
      )}

      {request.status === 'accepted' && (
        <section class="panel" aria-labelledby="choose-title">
          <h2 id="choose-title">{t.chooseSlotTitle}</h2>
          {slots.length > 0 ? (
            <>
              <p>{t.chooseSlotLead}</p>
              <SlotPicker
                t={t}
                action={`${base}/book`}
                slots={slots}
                submitLabel={t.bookSlot}
                idPrefix="book"
              />
            </>
          ) : (
            <p>{t.noSlots}</p>
          )}
        </section>
      )}

      {visit && <VisitPanels t={t} base={base} visit={visit} slots={slots} />}

      {(request.status === 'completed' || request.status === 'cancelled') && (
        <Notice>{t.closedRequest[request.status]}</Notice>
      )}

      {outcomes}

      <section class="panel" aria-labelledby="request-title">
        <h2 id="request-title">{t.requestDetails}</h2>
        <RequestFacts t={t} request={request} />
      </section>

      {past.length > 0 && (
        <section class="panel" aria-labelledby="past-title">
          <h2 id="past-title">{t.pastVisits}</h2>
          <SessionList t={t} sessions={past} />
        </section>
      )}

      {open && (
        <section class="panel" aria-labelledby="withdraw-title">
          <h2 id="withdraw-title">{t.withdrawTitle}</h2>
          <p>{t.withdrawLead}</p>
          <ReasonForm t={t} action={`${base}/withdraw`} id="withdraw" label={t.withdrawButton} />
        </section>
      )}
    </>
  );
}

/** The office's words on its decision, quoted as the office wrote them. */
function ReviewNote({ label, note }: { label: string; note: string }) {
  return (
    <dl class="facts">
      <dt>{label}</dt>
      <dd class="pre-line">{note}</dd>
    </dl>
  );
}

function VisitPanels({
  t,
  base,
  visit,
  slots,
}: {
  t: Strings;
  base: string;
  visit: Visit;
  slots: Slot[];
}) {
  const { session, expert } = visit;
  return (
    <>
      <section class="panel" aria-labelledby="visit-title">
        <h2 id="visit-title">{t.visitTitle}</h2>
        <dl class="facts">
          <dt>{t.when}</dt>
          <dd>{formatRange(t, session.start, session.end)}</dd>
          <dt>{t.format}</dt>
          <dd>{t.formats[session.format]}</dd>
          <dt>{t.expert}</dt>
          <dd>{expert.affiliation ? `${expert.name}（${expert.affiliation}）` : expert.name}</dd>
        </dl>
        <p class="actions">
          <a class="button secondary" href={`${base}/visits/${session.id}/calendar.ics`} download>
            {t.addToCalendar}
          </a>
        </p>
      </section>

      <section class="panel" aria-labelledby="reschedule-title">
        <h2 id="reschedule-title">{t.rescheduleTitle}</h2>
        {slots.length > 0 ? (
          <>
            <p>{t.rescheduleLead}</p>
            <SlotPicker
              t={t}
              action={`${base}/reschedule`}
              slots={slots}
              submitLabel={t.rescheduleButton}
              hidden={{ sessionId: session.id }}
              idPrefix="move"
            />
          </>
        ) : (
          <p>{t.noRescheduleSlots}</p>
        )}
      </section>

      <section class="panel" aria-labelledby="cancel-title">
        <h2 id="cancel-title">{t.cancelVisitTitle}</h2>
        <p>{t.cancelVisitLead}</p>
        <ReasonForm
          t={t}
          action={`${base}/cancel-visit`}
          id="cancel"
          label={t.cancelVisitButton}
          hidden={{ sessionId: session.id }}
        />
      </section>
    </>
  );
}

function ReasonForm({
  t,
  action,
  id,
  label,
  hidden = {},
}: {
  t: Strings;
  action: string;
  id: string;
  label: string;
  hidden?: Record<string, string>;
}) {
  return (
    <form method="post" action={action} class="inline-form">
      {Object.entries(hidden).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <div class="field">
        <label for={`${id}-reason`}>
          {t.reason}
          <span class="tag optional">{t.optional}</span>
        </label>
        <input type="text" id={`${id}-reason`} name="reason" maxlength={1000} />
      </div>
      <button type="submit" class="danger">
        {label}
      </button>
    </form>
  );
}
