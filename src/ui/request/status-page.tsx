import type { Child } from 'hono/jsx';
import { requestTransition } from '../../domain/request-lifecycle.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import { Alert, Notice } from '../fields.tsx';
import { formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { QuotaNote } from '../quota-note.tsx';
import { RequestFacts, SessionList } from '../request-facts.tsx';
import { type Slot, SlotPicker } from '../slot-picker.tsx';
import { AttendancePanel } from './attendance-panel.tsx';

export type Visit = { session: SessionBody; expert: { name: string; affiliation: string } };

export type StatusProps = {
  t: Strings;
  token: string;
  request: RequestBody;
  /** Bookable slots (a received request) or the visit's expert's other slots (scheduled). */
  slots: Slot[];
  /** The fiscal years the company has no visit left in: their slots are not offered. */
  quota: { fullYears: number[]; limit: number };
  visit: Visit | null;
  /** The page's own full address: the link to keep, in the greeting and with the contacts. */
  address: string;
  /** Right after applying: the page greets the application once. */
  applied?: boolean;
  office: { email: string; phone?: string };
  /** The survey and readiness panels (outcome-panels.tsx). */
  outcomes?: Child;
  notice?: string;
  problem?: string;
};

/** The company's page: what it applied for, and what it can do next. */
export function StatusPage(props: StatusProps) {
  const {
    t,
    token,
    request,
    slots,
    quota,
    visit,
    address,
    applied,
    office,
    outcomes,
    notice,
    problem,
  } = props;
  const base = `/r/${token}`;
  const open = requestTransition('cancel', request.status) !== null;
  const past = request.sessions.filter((s) => s.id !== visit?.session.id);
  return (
    <>
      <h1>{t.requestTitle}</h1>
      {applied && <Applied t={t} address={address} requestId={request.id} />}
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
          <QuotaNote t={t} years={quota.fullYears} limit={quota.limit} />
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
            quota.fullYears.length === 0 && <p>{t.noSlots}</p>
          )}
        </section>
      )}

      {visit && <VisitPanels t={t} base={base} visit={visit} slots={slots} quota={quota} />}

      <AttendancePanel t={t} base={base} request={request} />

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
          <SessionList
            t={t}
            sessions={past}
            calendarHref={(s) =>
              s.status === 'cancelled' ? `${base}/visits/${s.id}/calendar.ics` : undefined
            }
          />
        </section>
      )}

      {open && (
        <section class="panel" aria-labelledby="withdraw-title">
          <h2 id="withdraw-title">{t.withdrawTitle}</h2>
          <p>{t.withdrawLead}</p>
          <p class="actions">
            <a class="button danger" href={`${base}/withdraw`}>
              {t.withdrawButton}
            </a>
          </p>
        </section>
      )}

      <section class="panel" aria-labelledby="office-title">
        <h2 id="office-title">{t.officeTitle}</h2>
        <dl class="facts">
          <dt>{t.requestId}</dt>
          <dd class="mono">{request.id}</dd>
          {/* The link to keep, on every visit and in either language, not only the first. */}
          <dt>{t.statusLink}</dt>
          <dd class="token-box">
            <a href={address} id="page-link">
              {address}
            </a>
          </dd>
          <dt>{t.officeEmail}</dt>
          <dd>
            <a href={`mailto:${office.email}`}>{office.email}</a>
          </dd>
          {office.phone && (
            <>
              <dt>{t.officePhone}</dt>
              <dd>
                <a href={`tel:${office.phone}`}>{office.phone}</a>
              </dd>
            </>
          )}
        </dl>
        <p>{t.officeLead}</p>
      </section>
    </>
  );
}

/** Right after applying: the page's address in full, to keep, with the application's ID. */
function Applied({ t, address, requestId }: { t: Strings; address: string; requestId: string }) {
  return (
    <section class="notice" role="status" aria-labelledby="applied-title">
      <h2 id="applied-title">{t.appliedTitle}</h2>
      <p>{t.appliedLead}</p>
      <p class="token-box">
        <a href={address} id="status-link">
          {address}
        </a>
      </p>
      <p>
        <strong>{t.appliedKeep}</strong>
      </p>
      <p>{t.appliedId(requestId)}</p>
    </section>
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
  quota,
}: {
  t: Strings;
  base: string;
  visit: Visit;
  slots: Slot[];
  quota: StatusProps['quota'];
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
          <dd>
            {expert.affiliation
              ? t.nameWithAffiliation(expert.name, expert.affiliation)
              : expert.name}
          </dd>
          {session.meetingUrl && (
            <>
              <dt>{t.meetingUrl}</dt>
              <dd>
                <a href={session.meetingUrl} rel="noreferrer">
                  {session.meetingUrl}
                </a>
              </dd>
            </>
          )}
        </dl>
        <p class="actions">
          <a class="button secondary" href={`${base}/visits/${session.id}/calendar.ics`} download>
            {t.addToCalendar}
          </a>
        </p>
      </section>

      <section class="panel" aria-labelledby="reschedule-title">
        <h2 id="reschedule-title">{t.rescheduleTitle}</h2>
        <QuotaNote t={t} years={quota.fullYears} limit={quota.limit} />
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
        <p class="actions">
          <a class="button danger" href={`${base}/cancel-visit?sessionId=${session.id}`}>
            {t.cancelVisitButton}
          </a>
        </p>
      </section>
    </>
  );
}
