import type { Context, Hono } from 'hono';
import { resolvedAnswers, scores } from '../../domain/survey.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import type { SurveyBody } from '../../routes/surveys/schema.ts';
import { fieldErrorsOf } from '../api-field-errors.ts';
import { ChoiceGroup } from '../choice-group.tsx';
import type { UiEnv } from '../context.ts';
import { notFoundPage } from '../error-pages.tsx';
import { Alert, ErrorSummary, Field, type FieldErrors } from '../fields.tsx';
import { type Flash, redirectWith, takeFlash } from '../flash.ts';
import { type FormValues, formValues, readForm } from '../form-values.ts';
import { formatDateTime, formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { renderPage } from '../render.tsx';
import { requestIdOfLink } from './company-token.ts';

const KEEP = 'keep';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Answers = {
  satisfaction?: string;
  resolved?: string;
  wantsMore?: string;
  comment?: string;
  expertRating?: string;
};

/**
 * The company's survey of a completed visit, /r/:token/visits/:sessionId/survey: its own page,
 * reached from the status page and the visit-completed email. Sent, it goes back to the
 * status page; refused, it shows again with what to fix.
 */
export function registerSurveyPage(ui: Hono<UiEnv>) {
  const path = '/r/:token/visits/:sessionId/survey';

  ui.get(path, async (c) => {
    const loaded = await load(c);
    if (!loaded) return notFoundPage(c, c.get('t').notFoundRequest);
    const flash = await takeFlash(c);
    if (flash.values) return page(c, loaded, answersOf(formValues(flash.values)), flash);
    const { answers } = loaded.survey;
    return page(c, loaded, {
      satisfaction: answers ? String(answers.satisfaction) : undefined,
      resolved: answers?.resolved,
      wantsMore: answers ? (answers.wantsMore ? 'yes' : 'no') : undefined,
      comment: answers?.comment,
      // The company cannot read its rating back: a change keeps it unless another is chosen.
      expertRating: answers ? KEEP : '',
    });
  });

  ui.post(path, async (c) => {
    const loaded = await load(c);
    if (!loaded) return notFoundPage(c, c.get('t').notFoundRequest);
    const t = c.get('t');
    const form = await readForm(c);
    const token = c.req.param('token');
    const sent = await c
      .get('api')
      .json<SurveyBody>('POST', `/v1/sessions/${loaded.session.id}/survey`, {
        token,
        body: surveyFrom(form),
      });
    if (sent.ok) return redirectWith(c, `/r/${token}#survey`, { notice: 'surveySent' });
    const { problem } = sent;
    if (problem.status >= 500) throw new Error(`survey answered ${problem.status} ${problem.code}`);
    const back = (flash: Flash) => redirectWith(c, c.req.path, { ...flash, values: form.fields() });
    if (problem.code === 'validation-failed') {
      return back({
        errors: fieldErrorsOf(
          problem.errors,
          (field, fallback) => t.outcomes.surveyErrors[field] ?? fallback,
        ),
      });
    }
    return back({ problem: t.problems[problem.code] ?? problem.detail });
  });
}

/** The answers as the form shows them again. */
const answersOf = (form: FormValues): Answers => ({
  satisfaction: form.get('satisfaction'),
  resolved: form.get('resolved'),
  wantsMore: form.get('wantsMore'),
  comment: form.get('comment'),
  expertRating: form.get('expertRating'),
});

type Loaded = { session: SessionBody; survey: SurveyBody };

async function load(c: Context<UiEnv>): Promise<Loaded | null> {
  const sessionId = c.req.param('sessionId') ?? '';
  if (!UUID.test(sessionId) || !(await requestIdOfLink(c))) return null;
  const token = c.req.param('token');
  const api = c.get('api');
  const [session, survey] = await Promise.all([
    api.json<SessionBody>('GET', `/v1/sessions/${sessionId}`, { token }),
    api.json<SurveyBody>('GET', `/v1/sessions/${sessionId}/survey`, { token }),
  ]);
  return session.ok && survey.ok ? { session: session.body, survey: survey.body } : null;
}

/** The form's answers as the API takes them; a blank stays out, for the API to name. */
function surveyFrom(form: FormValues) {
  const number = (value: string) => (value === '' ? undefined : Number(value));
  const wantsMore = form.get('wantsMore');
  const rating = form.get('expertRating');
  return {
    satisfaction: number(form.get('satisfaction')),
    resolved: form.get('resolved') || undefined,
    wantsMore: wantsMore === '' ? undefined : wantsMore === 'yes',
    comment: form.get('comment'),
    ...(rating === KEEP ? {} : { expertRating: rating === '' ? null : Number(rating) }),
  };
}

function page(
  c: Context<UiEnv>,
  loaded: Loaded,
  values: Answers,
  shown: { errors?: FieldErrors; problem?: string } = {},
) {
  const t = c.get('t');
  const token = c.req.param('token') ?? '';
  const { session, survey } = loaded;
  const base = `/r/${token}`;
  return renderPage(
    c,
    {
      title: t.outcomes.surveyTitle,
      path: c.req.path,
      errors: Object.keys(shown.errors ?? {}).length > 0,
    },
    <>
      <p>
        <a href={base}>{t.outcomes.backToStatus}</a>
      </p>
      <h1>{t.outcomes.surveyTitle}</h1>
      <p class="lead">{t.outcomes.surveyOf(formatRange(t, session.start, session.end))}</p>
      {shown.problem && <Alert>{shown.problem}</Alert>}
      <ErrorSummary
        title={t.errorSummary(Object.keys(shown.errors ?? {}).length)}
        errors={shown.errors ?? {}}
      />
      {survey.open ? (
        <SurveyForm
          t={t}
          action={`${base}/visits/${session.id}/survey`}
          values={values}
          errors={shown.errors ?? {}}
          answered={survey.answers !== null}
        />
      ) : (
        <p>{survey.answers ? t.outcomes.surveyLocked : t.outcomes.surveyPending}</p>
      )}
      {survey.open && survey.editableUntil && (
        <p class="muted">{t.outcomes.surveyThanks(formatDateTime(t, survey.editableUntil))}</p>
      )}
    </>,
  );
}

function SurveyForm({
  t,
  action,
  values,
  errors,
  answered,
}: {
  t: Strings;
  action: string;
  values: Answers;
  errors: FieldErrors;
  answered: boolean;
}) {
  const o = t.outcomes;
  const scored = scores.map((score) => ({
    value: String(score),
    label: `${score} ${o.scores[score]}`,
  }));
  return (
    <form method="post" action={action} class="stack" novalidate>
      <ChoiceGroup
        t={t}
        name="satisfaction"
        legend={o.satisfaction}
        choices={scored}
        checked={values.satisfaction}
        error={errors.satisfaction}
        required
      />
      <ChoiceGroup
        t={t}
        name="resolved"
        legend={o.resolved}
        choices={resolvedAnswers.map((answer) => ({
          value: answer,
          label: o.resolvedAnswers[answer],
        }))}
        checked={values.resolved}
        error={errors.resolved}
        required
      />
      <ChoiceGroup
        t={t}
        name="wantsMore"
        legend={o.wantsMore}
        choices={[
          { value: 'yes', label: t.yes },
          { value: 'no', label: t.no },
        ]}
        checked={values.wantsMore}
        error={errors.wantsMore}
        required
      />
      <Field
        t={t}
        name="comment"
        label={o.comment}
        hint={o.commentHint}
        error={errors.comment}
        required={false}
        control={(wiring) => (
          <textarea {...wiring} maxlength={2000}>
            {values.comment ?? ''}
          </textarea>
        )}
      />
      <ChoiceGroup
        t={t}
        name="expertRating"
        legend={o.expertRating}
        hint={o.expertRatingHint}
        choices={[
          ...scored,
          { value: '', label: o.noRating },
          ...(answered ? [{ value: KEEP, label: o.keepRating }] : []),
        ]}
        checked={values.expertRating ?? ''}
        error={errors.expertRating}
        required={false}
      />
      <button type="submit">{o.submitSurvey}</button>
    </form>
  );
}
