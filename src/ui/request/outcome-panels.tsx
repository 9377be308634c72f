import type { Context } from 'hono';
import { type ReadinessPhase, readinessPhases } from '../../domain/readiness.ts';
import type { ReadinessBody } from '../../routes/readiness/schema.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import type { SurveyBody } from '../../routes/surveys/schema.ts';
import type { UiEnv } from '../context.ts';
import { formatDateTime, formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { RadarChart } from '../radar-chart.tsx';

type Surveyed = { session: SessionBody; survey: SurveyBody };

/**
 * The status page's outcome panels: the survey of each completed visit, and the company's
 * readiness before and after its visits as a radar chart, each with a way to answer while
 * the API says it is open. Read as the company, through its token.
 */
export async function outcomePanels(c: Context<UiEnv>, request: RequestBody, token: string) {
  const t = c.get('t');
  const api = c.get('api');
  const completed = request.sessions.filter((s) => s.status === 'completed');
  const [readiness, ...surveys] = await Promise.all([
    api.json<ReadinessBody>('GET', `/v1/requests/${request.id}/readiness`, { token }),
    ...completed.map((session) =>
      api.json<SurveyBody>('GET', `/v1/sessions/${session.id}/survey`, { token }),
    ),
  ]);
  if (!readiness.ok) throw new Error(`readiness answered ${readiness.status}`);
  const surveyed = completed.flatMap((session, i) => {
    const survey = surveys[i];
    if (!survey?.ok) throw new Error(`survey answered ${survey?.status}`);
    return [{ session, survey: survey.body }];
  });
  const base = `/r/${token}`;
  return (
    <>
      {surveyed.length > 0 && <SurveyPanel t={t} base={base} surveyed={surveyed} />}
      <ReadinessPanel t={t} base={base} readiness={readiness.body} />
    </>
  );
}

function SurveyPanel({ t, base, surveyed }: { t: Strings; base: string; surveyed: Surveyed[] }) {
  const o = t.outcomes;
  return (
    <section class="panel" aria-labelledby="survey-title" id="survey">
      <h2 id="survey-title">{o.surveyTitle}</h2>
      {surveyed.map(({ session, survey }) => {
        const href = `${base}/visits/${session.id}/survey`;
        const when = o.surveyOf(formatRange(t, session.start, session.end));
        if (!survey.answers) {
          return (
            <>
              <p>{`${when}: ${o.surveyLead}`}</p>
              <p class="actions">
                <a class="button" href={href}>
                  {o.surveyAnswer}
                </a>
              </p>
            </>
          );
        }
        return survey.open && survey.editableUntil ? (
          <>
            <p>{`${when}: ${o.surveyThanks(formatDateTime(t, survey.editableUntil))}`}</p>
            <p class="actions">
              <a class="button secondary" href={href}>
                {o.surveyChange}
              </a>
            </p>
          </>
        ) : (
          <p>{`${when}: ${o.surveyLocked}`}</p>
        );
      })}
    </section>
  );
}

function ReadinessPanel({
  t,
  base,
  readiness,
}: {
  t: Strings;
  base: string;
  readiness: ReadinessBody;
}) {
  const o = t.outcomes;
  const open = readinessPhases.filter((phase) => readiness.open[phase]);
  const answered = readiness.before !== null || readiness.after !== null;
  if (!answered && open.length === 0) return null;
  const label = (phase: ReadinessPhase) =>
    readiness[phase] ? o.readinessChange[phase] : o.readinessAsk[phase];
  return (
    <section class="panel" aria-labelledby="readiness-title" id="readiness">
      <h2 id="readiness-title">{t.readiness.title}</h2>
      <p>{o.readinessPanelLead}</p>
      {answered ? (
        <RadarChart
          t={t}
          id="readiness-chart"
          title={o.chartTitle}
          before={readiness.before?.levels ?? null}
          after={readiness.after?.levels ?? null}
        />
      ) : (
        <p>{o.readinessNone}</p>
      )}
      {open.length > 0 && (
        <p class="actions">
          {open.map((phase) => (
            <a
              class={phase === 'after' && !readiness.after ? 'button' : 'button secondary'}
              href={`${base}/readiness/${phase}`}
            >
              {label(phase)}
            </a>
          ))}
        </p>
      )}
    </section>
  );
}
