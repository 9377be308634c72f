import type { Context, Hono } from 'hono';
import { bookableRange } from '../../domain/availability.ts';
import { MINUTE_MS } from '../../domain/time.ts';
import type { UiEnv } from '../context.ts';
import type { FieldErrors } from '../fields.tsx';
import { emptyForm, type FormValues, readForm } from '../form-values.ts';
import { formatDateTime, localInputValue } from '../format.ts';
import { renderPage } from '../render.tsx';
import { Applied } from './applied.tsx';
import { formErrors } from './field-errors.ts';
import { ApplicationForm } from './form.tsx';
import { applicationFrom } from './form-data.ts';
import { closedIntake, intakeClosedPage, readIntake } from './intake-closed.tsx';

const GRID_MS = 30 * MINUTE_MS;
const SCRIPTS = ['/ui/corporate-number.js'];

export function registerApplyPages(ui: Hono<UiEnv>) {
  ui.get('/apply', async (c) => (await closedIntake(c)) ?? formPage(c, emptyForm, {}));

  ui.post('/apply', async (c) => {
    const form = await readForm(c);
    const { body, windowRows } = applicationFrom(form);
    const result = await c
      .get('api')
      .json<{ request: { id: string }; accessToken: string }>('POST', '/v1/requests', {
        body,
        idempotencyKey: form.get('idempotencyKey') || undefined,
      });
    if (result.ok) {
      const t = c.get('t');
      return renderPage(
        c,
        { title: t.appliedTitle, path: '/apply' },
        <Applied t={t} token={result.body.accessToken} base={c.get('deps').config.publicBaseUrl} />,
      );
    }
    const { problem } = result;
    if (problem.code === 'validation-failed') {
      const errors = formErrors(c.get('t'), problem.errors ?? [], {
        windowRows,
        durationMinutes: body.durationMinutes,
        config: c.get('deps').config,
      });
      return formPage(c, form, errors, 400);
    }
    if (problem.code.startsWith('idempotency-')) {
      return formPage(c, form, {}, 409, c.get('t').alreadySubmitted);
    }
    if (problem.code === 'intake-closed') return intakeClosedPage(c, await readIntake(c), 409);
    if (problem.code === 'rate-limited') {
      return formPage(c, form, {}, 429, c.get('t').problems[problem.code]);
    }
    throw new Error(`apply answered ${result.status} ${problem.code}`);
  });
}

function formPage(
  c: Context<UiEnv>,
  values: FormValues,
  errors: FieldErrors,
  status: 200 | 400 | 409 | 429 = 200,
  notice?: string,
) {
  const t = c.get('t');
  const { clock, config } = c.get('deps');
  const bookable = bookableRange(clock(), config);
  const min = Math.ceil(bookable.start / GRID_MS) * GRID_MS;
  const max = Math.floor(bookable.end / GRID_MS) * GRID_MS;
  return renderPage(
    c,
    { title: t.applyTitle, status, path: '/apply', scripts: SCRIPTS },
    <>
      <h1>{t.applyTitle}</h1>
      <p class="lead">{t.applyLead}</p>
      <ApplicationForm
        t={t}
        values={values}
        errors={errors}
        idempotencyKey={crypto.randomUUID()}
        range={{
          min: localInputValue(min),
          max: localInputValue(max),
          from: formatDateTime(t, min),
          to: formatDateTime(t, max),
        }}
        notice={notice}
      />
    </>,
  );
}
