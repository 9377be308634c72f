import type { Context, Hono } from 'hono';
import {
  type ReadinessPhase,
  readinessLevelNames,
  readinessLevels,
  readinessPhases,
} from '../../domain/readiness.ts';
import { stepCodes } from '../../domain/topics.ts';
import type { ReadinessBody } from '../../routes/readiness/schema.ts';
import { fieldErrorsOf } from '../api-field-errors.ts';
import { ChoiceGroup } from '../choice-group.tsx';
import type { UiEnv } from '../context.ts';
import { notFoundPage } from '../error-pages.tsx';
import { Alert, ErrorSummary, type FieldErrors } from '../fields.tsx';
import { type Flash, redirectWith, takeFlash } from '../flash.ts';
import { type FormValues, formValues, readForm } from '../form-values.ts';
import { named } from '../i18n/strings.ts';
import { renderPage } from '../render.tsx';
import { topicName } from '../request-facts.tsx';
import { requestIdOfLink } from './company-token.ts';

type Levels = Record<string, string>;

const fieldOf = (step: string) => `levels.${step}`;

/**
 * The company's readiness over the nine steps, /r/:token/readiness/before|after: its own page,
 * reached from the status page. Saved, it goes back to the status page and its chart.
 */
export function registerReadinessPage(ui: Hono<UiEnv>) {
  const path = '/r/:token/readiness/:phase';

  ui.get(path, async (c) => {
    const loaded = await load(c);
    if (!loaded) return notFoundPage(c, c.get('t').notFoundRequest);
    const flash = await takeFlash(c);
    if (flash.values) return page(c, loaded, levelsTyped(formValues(flash.values)), flash);
    const given = loaded.readiness[loaded.phase]?.levels;
    const values = Object.fromEntries(
      stepCodes.flatMap((step) => (given ? [[fieldOf(step), String(given[step])]] : [])),
    );
    return page(c, loaded, values);
  });

  ui.post(path, async (c) => {
    const loaded = await load(c);
    if (!loaded) return notFoundPage(c, c.get('t').notFoundRequest);
    const t = c.get('t');
    const token = c.req.param('token');
    const form = await readForm(c);
    const saved = await c
      .get('api')
      .json<ReadinessBody>('PUT', `/v1/requests/${loaded.requestId}/readiness`, {
        token,
        body: { phase: loaded.phase, levels: levelsFrom(form) },
      });
    if (saved.ok) return redirectWith(c, `/r/${token}#readiness`, { notice: 'readinessSaved' });
    const { problem } = saved;
    if (problem.status >= 500) {
      throw new Error(`readiness answered ${problem.status} ${problem.code}`);
    }
    const back = (flash: Flash) => redirectWith(c, c.req.path, { ...flash, values: form.fields() });
    if (problem.code === 'validation-failed') {
      return back({ errors: fieldErrorsOf(problem.errors, () => t.outcomes.readinessError) });
    }
    return back({ problem: t.problems[problem.code] ?? problem.detail });
  });
}

/** The levels as they were chosen, to show again. */
const levelsTyped = (form: FormValues): Levels =>
  Object.fromEntries(stepCodes.map((s) => [fieldOf(s), form.get(fieldOf(s))]));

type Loaded = { requestId: string; phase: ReadinessPhase; readiness: ReadinessBody };

async function load(c: Context<UiEnv>): Promise<Loaded | null> {
  const phase = c.req.param('phase') as ReadinessPhase;
  if (!readinessPhases.includes(phase)) return null;
  const requestId = await requestIdOfLink(c);
  if (!requestId) return null;
  const read = await c
    .get('api')
    .json<ReadinessBody>('GET', `/v1/requests/${requestId}/readiness`, {
      token: c.req.param('token'),
    });
  return read.ok ? { requestId, phase, readiness: read.body } : null;
}

/** Each step's chosen level; a step left blank stays out, for the API to name. */
function levelsFrom(form: FormValues) {
  return Object.fromEntries(
    stepCodes.flatMap((step) => {
      const value = form.get(fieldOf(step));
      return value === '' ? [] : [[step, Number(value)]];
    }),
  );
}

function page(
  c: Context<UiEnv>,
  loaded: Loaded,
  values: Levels,
  shown: { errors?: FieldErrors; problem?: string } = {},
) {
  const t = c.get('t');
  const token = c.req.param('token') ?? '';
  const { phase, readiness } = loaded;
  const title = t.outcomes.readinessPhaseTitle[phase];
  const errors = shown.errors ?? {};
  const levels = readinessLevels.map((level) => ({
    value: String(level),
    label: `${level} ${named(t, readinessLevelNames[level])}`,
  }));
  return renderPage(
    c,
    { title, path: c.req.path, errors: Object.keys(errors).length > 0 },
    <>
      <p>
        <a href={`/r/${token}`}>{t.outcomes.backToStatus}</a>
      </p>
      <h1>{title}</h1>
      <p class="lead">{t.outcomes.readinessLead[phase]}</p>
      {shown.problem && <Alert>{shown.problem}</Alert>}
      <ErrorSummary title={t.errorSummary(Object.keys(errors).length)} errors={errors} />
      {readiness.open[phase] ? (
        <form method="post" action={`/r/${token}/readiness/${phase}`} class="stack" novalidate>
          {stepCodes.map((step) => (
            <ChoiceGroup
              t={t}
              name={fieldOf(step)}
              legend={topicName(t, step)}
              choices={levels}
              checked={values[fieldOf(step)]}
              error={errors[fieldOf(step)]}
              required
            />
          ))}
          <button type="submit">{t.outcomes.saveReadiness}</button>
        </form>
      ) : (
        <p>{t.problems['invalid-transition']}</p>
      )}
    </>,
  );
}
