import type { Context } from 'hono';
import { topics as allTopics } from '../domain/taxonomy.ts';
import { CsrfField } from './area-page.tsx';
import { ErrorSummary, Field, type FieldErrors } from './fields.tsx';
import { redirectWith } from './flash.ts';
import { type FormValues, readForm } from './form-values.ts';
import type { Strings } from './i18n/strings.ts';
import { PageNotFound } from './page-errors.ts';
import { topicName } from './request-facts.tsx';
import { asSignedIn, type SignedInEnv } from './signed-in.ts';

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
}) {
  const { t, action, csrf, values, errors, requested } = props;
  const sentBack = Object.keys(values.fields()).length > 0;
  const chosen = sentBack ? values.all('topicsCovered') : requested;
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
  const filed = await asSignedIn(c, 'POST', `/v1/sessions/${sessionId}/report`, {
    topicsCovered: form.all('topicsCovered'),
    summary: form.get('summary'),
    followUpNeeded: form.get('followUpNeeded') === 'yes',
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
    return redirectWith(c, c.req.path, { errors, values: form.fields() });
  }
  return redirectWith(c, done, {
    problem: t.problems[filed.problem.code] ?? filed.problem.detail,
  });
}
