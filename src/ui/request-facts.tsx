import { industry, prefecture, topics } from '../domain/taxonomy.ts';
import type { RequestBody } from '../routes/requests/schema.ts';
import type { SessionBody } from '../routes/sessions/schema.ts';
import { formatDateTime, formatRange, groupDigits } from './format.ts';
import { named, type Strings } from './i18n/strings.ts';

const topicNames = new Map(topics.map((topic) => [topic.code as string, topic.name]));

export function RequestBadge({ t, status }: { t: Strings; status: RequestBody['status'] }) {
  return <span class={`badge ${status}`}>{t.requestStatuses[status]}</span>;
}

export function SessionBadge({ t, status }: { t: Strings; status: SessionBody['status'] }) {
  return <span class={`badge ${status}`}>{t.sessionStatuses[status]}</span>;
}

export const industryName = (t: Strings, code: string) => {
  const found = industry(code);
  return found ? `${code} ${named(t, found.name)}` : code;
};

export const prefectureName = (t: Strings, code: string) => {
  const found = prefecture(code);
  return found ? named(t, found.name) : code;
};

export const topicName = (t: Strings, code: string) => {
  const name = topicNames.get(code);
  return name ? named(t, name) : code;
};

/** What was applied for, as the company and the staff both see it. */
export function RequestFacts({ t, request }: { t: Strings; request: RequestBody }) {
  const { company, contact } = request;
  return (
    <dl class="facts">
      <dt>{t.status}</dt>
      <dd>
        <RequestBadge t={t} status={request.status} />
      </dd>
      <dt>{t.company}</dt>
      <dd>
        {company.name}
        {company.isSme && t.matching.inParens(t.sme)}
      </dd>
      {company.corporateNumber && (
        <>
          <dt>{t.corporateNumberShort}</dt>
          <dd>{company.corporateNumber}</dd>
        </>
      )}
      <dt>{t.industryShort}</dt>
      <dd>{industryName(t, company.industryCode)}</dd>
      <dt>{t.prefectureShort}</dt>
      <dd>{prefectureName(t, company.prefectureCode)}</dd>
      {company.address && (
        <>
          <dt>{t.address}</dt>
          <dd>{company.address}</dd>
        </>
      )}
      <dt>{t.employees}</dt>
      <dd>{groupDigits(company.employees)}</dd>
      <dt>{t.capital}</dt>
      <dd>{groupDigits(company.capitalYen)}</dd>
      <dt>{t.contact}</dt>
      <dd>
        {contact.name}
        {contact.nameKana && t.matching.inParens(contact.nameKana)}
        <br />
        {contact.email}
        {contact.phone && (
          <>
            <br />
            {contact.phone}
          </>
        )}
      </dd>
      <dt>{t.topicsLabel}</dt>
      <dd>{request.topics.map((code) => topicName(t, code)).join(t.listSeparator)}</dd>
      <dt>{t.format}</dt>
      <dd>{`${t.formats[request.format]} / ${t.minutes(request.durationMinutes)}`}</dd>
      <dt>{t.preferredWindows}</dt>
      <dd>
        <ul class="reasons">
          {request.preferredWindows.map((w) => (
            <li>{formatRange(t, w.start, w.end)}</li>
          ))}
        </ul>
      </dd>
      {request.notes && (
        <>
          <dt>{t.notes}</dt>
          <dd>{request.notes}</dd>
        </>
      )}
      <dt>{t.appliedOn}</dt>
      <dd>{formatDateTime(t, request.createdAt)}</dd>
    </dl>
  );
}

/**
 * A request's visits in time order. `calendarHref` links a visit's calendar file where one
 * helps (the company's cancelled visit: importing it removes the event it imported before).
 */
export function SessionList({
  t,
  sessions,
  calendarHref = () => undefined,
}: {
  t: Strings;
  sessions: SessionBody[];
  calendarHref?: (session: SessionBody) => string | undefined;
}) {
  return (
    <ul class="reasons">
      {sessions.map((s) => {
        const href = calendarHref(s);
        return (
          <li>
            {formatRange(t, s.start, s.end)} {t.formats[s.format]}{' '}
            <SessionBadge t={t} status={s.status} />
            {s.cancelReason && ` ${s.cancelReason}`}
            {href && (
              <>
                {' '}
                <a href={href} download>
                  {t.cancelledCalendar}
                </a>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
