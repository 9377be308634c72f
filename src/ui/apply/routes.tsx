import type { Context, Hono } from 'hono';
import { bookableRange } from '../../domain/availability.ts';
import { MINUTE_MS } from '../../domain/time.ts';
import type { UiEnv } from '../context.ts';
import { redirectWith, takeFlash } from '../flash.ts';
import { formValues, readForm } from '../form-values.ts';
import { formatDateTime, localInputValue } from '../format.ts';
import { renderPage } from '../render.tsx';
import { formErrors } from './field-errors.ts';
import { ApplicationForm } from './form.tsx';
import { applicationFrom } from './form-data.ts';
import { closedIntake } from './intake-closed.tsx';

const GRID_MS = 30 * MINUTE_MS;
const SCRIPTS = ['/ui/corporate-number.js'];

/**
 * /apply: the application form. A successful application goes on to its own status page,
 * /r/<accessToken>, which greets it once; a form with errors comes back with all of them.
 * Either way the POST answers with a redirect.
 */
export function registerApplyPages(ui: Hono<UiEnv>) {
  ui.get('/apply', async (c) => (await closedIntake(c)) ?? formPage(c));

  ui.post('/apply', async (c) => {
    const form = await readForm(c);
    const t = c.get('t');
    const { body, windowRows } = applicationFrom(form);
    const result = await c
      .get('api')
      .json<{ request: { id: string }; accessToken: string }>('POST', '/v1/requests', {
        body,
        idempotencyKey: form.get('idempotencyKey') || undefined,
      });
    if (result.ok) {
      return redirectWith(c, `/r/${result.body.accessToken}`, { notice: 'applied' });
    }
    const { problem } = result;
    const back = (flash: Parameters<typeof redirectWith>[2]) =>
      redirectWith(c, '/apply', { ...flash, values: form.fields() });
    if (problem.code === 'validation-failed') {
      return back({
        errors: formErrors(t, problem.errors ?? [], {
          windowRows,
          durationMinutes: body.durationMinutes,
          config: c.get('deps').config,
        }),
      });
    }
    if (problem.code.startsWith('idempotency-')) return back({ problem: t.alreadySubmitted });
    // Intake closed since the form was opened: /apply now says so, and offers no form.
    if (problem.code === 'intake-closed') return c.redirect('/apply', 303);
    const explained = t.problems[problem.code];
    if (explained) return back({ problem: explained });
    throw new Error(`apply answered ${result.status} ${problem.code}`);
  });
}

async function formPage(c: Context<UiEnv>) {
  const t = c.get('t');
  const { clock, config } = c.get('deps');
  const flash = await takeFlash(c);
  const errors = flash.errors ?? {};
  const bookable = bookableRange(clock(), config);
  const min = Math.ceil(bookable.start / GRID_MS) * GRID_MS;
  const max = Math.floor(bookable.end / GRID_MS) * GRID_MS;
  return renderPage(
    c,
    {
      title: t.applyTitle,
      path: '/apply',
      scripts: SCRIPTS,
      errors: Object.keys(errors).length > 0,
    },
    <>
      <h1>{t.applyTitle}</h1>
      <p class="lead">{t.applyLead}</p>
      <ApplicationForm
        t={t}
        values={formValues(flash.values)}
        errors={errors}
        idempotencyKey={crypto.randomUUID()}
        range={{
          min: localInputValue(min),
          max: localInputValue(max),
          from: formatDateTime(t, min),
          to: formatDateTime(t, max),
        }}
        privacyUrl={config.privacyPolicyUrl ?? '/privacy'}
        notice={flash.problem}
      />
    </>,
  );
}
