import type { Context } from 'hono';
import { actualTimesProblem } from '../domain/attendance.ts';
import { topics as allTopics } from '../domain/taxonomy.ts';
import type { SessionBody } from '../routes/sessions/schema.ts';
import { CsrfField } from './area-page.tsx';
import { ErrorSummary, Field, type FieldErrors } from './fields.tsx';
import { redirectWith } from './flash.ts';
import { type FormValues, readForm } from './form-values.ts';
import { localInputValue, tokyoInputInstant } from './format.ts';
import type { Strings } from './i18n/strings.ts';
import { PageNotFound } from './page-errors.ts';
import { topicName } from './request-facts.tsx';
import { asSignedIn, readSignedIn, type SignedInEnv } from './signed-in.ts';

// The visit report, filed by the expert on their page or by staff on the request's page: the
// one form and the one way it is sent.

export function VisitReportForm(props: {
  t: Strings;
  action: string;
  csrf: string;
  values: FormValues;
  errors: FieldErrors;
  /** The topics the company asked about, ticked until the form is sent back. */
  requested: readonly string[];
  /** The booked times, the actual times until the form is sent back. */
  booked?: { start: string; end: string };
}) {
  const { t, action, csrf, values, errors, requested, booked } = props;
  const sentBack = Object.keys(values.fields()).length > 0;
  const chosen = sentBack ? values.all('topicsCovered') : requested;
  const actual = (name: 'actualStart' | 'actualEnd', instant: string) =>
    sentBack ? values.get(name) : localInputValue(Date.parse(instant));
  return (
    <>
      <ErrorSummary title={t.errorSummary(Object.keys(errors).length)} errors={errors} />
      <form method="post" action={action} class="panel stack" novalidate>
        <CsrfField csrf={csrf} />
        <fieldset id="topicsCovered" class={errors.topicsCovered ? 'invalid' : undefined}>
          <legend>{t.topicsCovered}</legend>
          {errors.topicsCovered && <span class="error">{errors.topicsCovered}</span>}
          <ul class="checks">
            {allTopics.map((topic) => (
              <li>
                <input
                  type="checkbox"
                  id={`topic-${topic.code}`}
                  name="topicsCovered"
                  value={topic.code}
                  checked={chosen.includes(topic.code)}
                />
                <label for={`topic-${topic.code}`}>{topicName(t, topic.code)}</label>
              </li>
            ))}
          </ul>
        </fieldset>
        <Field
          t={t}
          name="summary"
          label={t.summary}
          error={errors.summary}
          required
          control={(wiring) => (
            <textarea {...wiring} rows={8} maxlength={10000} required>
              {values.get('summary')}
            </textarea>
          )}
        />
        {booked && (
          <fieldset>
            <legend>{t.actualTimes}</legend>
            <p class="hint">{t.actualTimesHint}</p>
            <div class="inline-form">
              {(['actualStart', 'actualEnd'] as const).map((name) => (
                <Field
                  t={t}
                  name={name}
                  label={name === 'actualStart' ? t.from : t.to}
                  error={errors[name]}
                  control={(wiring) => (
                    <input
                      {...wiring}
                      type="datetime-local"
                      value={actual(name, name === 'actualStart' ? booked.start : booked.end)}
                    />
                  )}
                />
              ))}
            </div>
          </fieldset>
        )}
        <fieldset>
          <legend>{t.followUpNeeded}</legend>
          <ul class="checks">
            {(['yes', 'no'] as const).map((answer) => (
              <li>
                <input
                  type="radio"
                  id={`follow-up-${answer}`}
                  name="followUpNeeded"
                  value={answer}
                  checked={(values.get('followUpNeeded') || 'no') === answer}
                />
                <label for={`follow-up-${answer}`}>{answer === 'yes' ? t.yes : t.no}</label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div class="actions">
          <button type="submit">{t.submitReport}</button>
        </div>
      </form>
    </>
  );
}

/**
 * The form's POST: the report to the API, then to `done` with a notice, or back to the form
 * with its errors.
 */
export async function fileVisitReport(c: Context<SignedInEnv>, sessionId: string, done: string) {
  const form = await readForm(c);
  // Left out (a form without them), the visit took place as booked.
  const actualStart = form.get('actualStart');
  const actualEnd = form.get('actualEnd');
  const filed = await asSignedIn(c, 'POST', `/v1/sessions/${sessionId}/report`, {
    topicsCovered: form.all('topicsCovered'),
    summary: form.get('summary'),
    followUpNeeded: form.get('followUpNeeded') === 'yes',
    ...(actualStart || actualEnd
      ? { actualStart: tokyoInputInstant(actualStart), actualEnd: tokyoInputInstant(actualEnd) }
      : {}),
  });
  if (filed.ok) return redirectWith(c, done, { notice: 'reported' });
  if (filed.status === 404) throw new PageNotFound();
  const t = c.get('t');
  if (filed.status === 400) {
    const errors: FieldErrors = {};
    for (const e of filed.problem.errors ?? []) {
      const name = e.path.startsWith('topicsCovered') ? 'topicsCovered' : e.path;
      errors[name] ??= t.reportErrors[name] ?? e.message;
    }
    // The API weighs the actual times against the visit only once the rest is valid: asked
    // here too, so that every error is said at once.
    const actual = {
      start: new Date(tokyoInputInstant(actualStart)),
      end: new Date(tokyoInputInstant(actualEnd)),
    };
    if (
      !errors.actualStart &&
      !errors.actualEnd &&
      actualStart &&
      !Number.isNaN(actual.start.getTime()) &&
      !Number.isNaN(actual.end.getTime())
    ) {
      const visit = await readSignedIn<SessionBody>(c, `/v1/sessions/${sessionId}`);
      const problem = actualTimesProblem(
        { start: new Date(visit.start) },
        actual,
        c.get('deps').clock(),
      );
      if (problem) errors[problem.field] = t.reportErrors[problem.field] ?? problem.message;
    }
    return redirectWith(c, c.req.path, { errors, values: form.fields() });
  }
  return redirectWith(c, done, {
    problem: t.problems[filed.problem.code] ?? filed.problem.detail,
  });
}
