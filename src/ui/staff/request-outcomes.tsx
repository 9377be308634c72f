import type { Context } from 'hono';
import type { ReadinessBody } from '../../routes/readiness/schema.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { SurveyBody } from '../../routes/surveys/schema.ts';
import { formatDateTime, formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { RadarChart } from '../radar-chart.tsx';
import { readSignedIn, type SignedInEnv } from '../signed-in.ts';

/**
 * A request's outcomes on its staff page: the survey of each completed visit (with the
 * expert rating, which only staff see), its readiness before and after as a radar chart, and
 * the way to the company record where certifications are kept.
 */
export async function requestOutcomes(c: Context<SignedInEnv>, request: RequestBody) {
  const t = c.get('t');
  const o = t.outcomes;
  const completed = request.sessions.filter((s) => s.status === 'completed');
  const [readiness, ...surveys] = await Promise.all([
    readSignedIn<ReadinessBody>(c, `/v1/requests/${request.id}/readiness`),
    ...completed.map((s) => readSignedIn<SurveyBody>(c, `/v1/sessions/${s.id}/survey`)),
  ]);
  return (
    <section class="panel" aria-labelledby="outcomes-title">
      <h2 id="outcomes-title">{o.staffTitle}</h2>
      {completed.map((session, i) => (
        <>
          <h3>{o.surveyOf(formatRange(t, session.start, session.end))}</h3>
          <SurveyAnswers t={t} survey={surveys[i]} />
        </>
      ))}
      {completed.length === 0 && <p>{o.surveyPending}</p>}
      {readiness.before || readiness.after ? (
        <RadarChart
          t={t}
          id="readiness-chart"
          title={o.chartTitle}
          before={readiness.before?.levels ?? null}
          after={readiness.after?.levels ?? null}
        />
      ) : (
        <p>{`${t.readiness.title}: ${o.readinessNone}`}</p>
      )}
      {request.company.id && (
        <p>
          <a href={`/staff/companies/${request.company.id}`}>{o.companyRecord}</a>
        </p>
      )}
    </section>
  );
}

function SurveyAnswers({ t, survey }: { t: Strings; survey: SurveyBody | undefined }) {
  const o = t.outcomes;
  const answers = survey?.answers;
  if (!survey?.submittedAt || !answers) return <p>{o.noSurvey}</p>;
  const rating = answers.expertRating;
  return (
    <dl class="facts">
      <dt>{o.satisfaction}</dt>
      <dd>{`${answers.satisfaction} ${o.scores[answers.satisfaction]}`}</dd>
      <dt>{o.resolved}</dt>
      <dd>{o.resolvedAnswers[answers.resolved]}</dd>
      <dt>{o.wantsMore}</dt>
      <dd>{answers.wantsMore ? t.yes : t.no}</dd>
      <dt>{o.comment}</dt>
      <dd class="pre-line">{answers.comment || t.none}</dd>
      <dt>{o.expertRating}</dt>
      <dd>{rating ? `${rating} ${o.scores[rating]}` : o.noRating}</dd>
      <dt>{o.submittedAt}</dt>
      <dd>{formatDateTime(t, survey.submittedAt)}</dd>
    </dl>
  );
}
