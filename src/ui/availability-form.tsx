import type { Context } from 'hono';
import type { ExpertBody } from '../routes/experts/schema.ts';
import { Field, type FieldErrors } from './fields.tsx';
import { redirectWith } from './flash.ts';
import { type FormValues, formValues, readForm } from './form-values.ts';
import { formatDay } from './format.ts';
import type { Strings } from './i18n/strings.ts';
import { asSignedIn, type SignedInEnv } from './signed-in.ts';

// Weekly hours and date overrides as one plain form (no script): two time ranges for each day
// of the week, the overrides as rows with a remove box, and blank rows to add new ones. The
// expert's /expert/availability and the office's expert page both use it.

type Availability = ExpertBody['availability'];
type AvailabilityInput = {
  weekly: { weekday: number; start: string; end: string }[];
  overrides: ({ date: string; available: false } | { date: string; start: string; end: string })[];
};

const RANGES_PER_DAY = 2;
const NEW_OVERRIDE_ROWS = 2;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** The form's fields showing `availability`: what the page fills the form with at first. */
export function availabilityValues(availability: Availability, today: string): FormValues {
  const fields: Record<string, string[]> = {};
  for (const weekday of WEEKDAYS) {
    availability.weekly
      .filter((w) => w.weekday === weekday)
      .slice(0, RANGES_PER_DAY)
      .forEach((w, slot) => {
        fields[`w.${weekday}.${slot}.start`] = [w.start];
        fields[`w.${weekday}.${slot}.end`] = [w.end];
      });
  }
  // Past dates stay as they were (reports count them), out of the way.
  availability.overrides.forEach((o, row) => {
    fields[`o.${row}.date`] = [o.date];
    fields[`o.${row}.kind`] = [o.available ? 'hours' : 'closed'];
    fields[`o.${row}.start`] = [o.start ?? ''];
    fields[`o.${row}.end`] = [o.end ?? ''];
    if (o.date < today) fields[`o.${row}.past`] = ['1'];
  });
  fields.overrideRows = [String(availability.overrides.length)];
  return formValues(fields);
}

/**
 * The API's body from the posted form, and where each of its paths was typed (to show the
 * API's field errors next to the right field).
 */
export function availabilityFromForm(form: FormValues): {
  body: AvailabilityInput;
  fieldOf: (path: string) => string;
} {
  const weekly: AvailabilityInput['weekly'] = [];
  const weeklyFields: string[] = [];
  for (const weekday of WEEKDAYS) {
    for (let slot = 0; slot < RANGES_PER_DAY; slot++) {
      const name = `w.${weekday}.${slot}`;
      const start = form.get(`${name}.start`);
      const end = form.get(`${name}.end`);
      if (start === '' && end === '') continue;
      weekly.push({ weekday, start, end });
      weeklyFields.push(name);
    }
  }
  const overrides: AvailabilityInput['overrides'] = [];
  const overrideFields: string[] = [];
  const rows = Number(form.get('overrideRows')) + NEW_OVERRIDE_ROWS;
  for (let row = 0; row < Math.min(rows, 1000); row++) {
    const name = `o.${row}`;
    const date = form.get(`${name}.date`);
    if (date === '' || form.get(`${name}.remove`) === '1') continue;
    overrides.push(
      form.get(`${name}.kind`) === 'hours'
        ? { date, start: form.get(`${name}.start`), end: form.get(`${name}.end`) }
        : { date, available: false },
    );
    overrideFields.push(name);
  }
  return {
    body: { weekly, overrides },
    fieldOf: (path) => {
      const [list, index, part] = path.split('.');
      const row = list === 'weekly' ? weeklyFields : overrideFields;
      const name = row[Number(index)];
      if (!name) return path;
      return `${name}.${part === 'end' ? 'end' : part === 'date' ? 'date' : 'start'}`;
    },
  };
}

export function AvailabilityForm(props: {
  t: Strings;
  action: string;
  csrf: string;
  values: FormValues;
  errors: FieldErrors;
  today: string;
}) {
  const { t, action, csrf, values, errors, today } = props;
  const time = (name: string, label: string) => (
    <Field
      t={t}
      name={name}
      label={label}
      error={errors[name]}
      control={(wiring) => <input {...wiring} type="time" step={1800} value={values.get(name)} />}
    />
  );
  const existing = Number(values.get('overrideRows') || 0);
  const rows = Array.from({ length: existing + NEW_OVERRIDE_ROWS }, (_, row) => row);
  return (
    <form method="post" action={action} class="stack" novalidate>
      <input type="hidden" name="csrf" value={csrf} />
      <input type="hidden" name="overrideRows" value={String(existing)} />
      <fieldset>
        <legend>{t.weeklyHours}</legend>
        <p class="hint">{t.availabilityLead}</p>
        {WEEKDAYS.map((weekday) => (
          <fieldset class="day-hours">
            <legend>{t.weekdays[weekday - 1]}</legend>
            {Array.from({ length: RANGES_PER_DAY }, (_, slot) => (
              <div class="inline-form">
                {time(`w.${weekday}.${slot}.start`, `${t.rangeN(slot + 1)} ${t.from}`)}
                {time(`w.${weekday}.${slot}.end`, `${t.rangeN(slot + 1)} ${t.to}`)}
              </div>
            ))}
          </fieldset>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t.overridesTitle}</legend>
        {rows.map((row) => {
          const name = `o.${row}`;
          if (values.get(`${name}.past`) === '1') {
            return (
              <>
                {['date', 'kind', 'start', 'end'].map((part) => (
                  <input
                    type="hidden"
                    name={`${name}.${part}`}
                    value={values.get(`${name}.${part}`)}
                  />
                ))}
                <input type="hidden" name={`${name}.past`} value="1" />
              </>
            );
          }
          const date = values.get(`${name}.date`);
          const legend =
            row < existing && date
              ? formatDay(t, date as `${number}-${number}-${number}`)
              : t.addOverride;
          return (
            <fieldset class="override">
              <legend>{legend}</legend>
              <div class="inline-form">
                <Field
                  t={t}
                  name={`${name}.date`}
                  label={t.overrideDate}
                  error={errors[`${name}.date`]}
                  control={(wiring) => <input {...wiring} type="date" min={today} value={date} />}
                />
                <Field
                  t={t}
                  name={`${name}.kind`}
                  label={t.overrideKind}
                  control={(wiring) => (
                    <select {...wiring}>
                      <option value="closed" selected={values.get(`${name}.kind`) !== 'hours'}>
                        {t.overrideClosed}
                      </option>
                      <option value="hours" selected={values.get(`${name}.kind`) === 'hours'}>
                        {t.overrideHours}
                      </option>
                    </select>
                  )}
                />
                {time(`${name}.start`, t.from)}
                {time(`${name}.end`, t.to)}
                {row < existing && (
                  <div class="field check">
                    <input
                      type="checkbox"
                      id={`${name}.remove`}
                      name={`${name}.remove`}
                      value="1"
                    />
                    <label for={`${name}.remove`}>{t.removeOverride}</label>
                  </div>
                )}
              </div>
            </fieldset>
          );
        })}
      </fieldset>
      <div class="actions">
        <button type="submit">{t.saveAvailability}</button>
      </div>
    </form>
  );
}

/**
 * Which of the form's many alike fields `field` is, in words ("Tue range 1 to", "2026-12-26
 * to"): the error summary lists them all, and the same message twice would not say where.
 */
function placeOf(t: Strings, form: FormValues, field: string): string {
  const [list, index = '', slot = '', part = ''] = field.split('.');
  if (list === 'w') {
    const day = t.weekdays[Number(index) - 1] ?? '';
    return `${day} ${t.rangeN(Number(slot) + 1)} ${part === 'end' ? t.to : t.from}`;
  }
  const date = form.get(`o.${index}.date`) || t.overrideDate;
  return slot === 'date' ? date : `${date} ${slot === 'end' ? t.to : t.from}`;
}

/**
 * The form's POST: the whole availability to the API (`apiPath`), then back to `pagePath`
 * with a notice, or with the API's errors next to the fields that caused them.
 */
export async function saveAvailability(c: Context<SignedInEnv>, apiPath: string, pagePath: string) {
  const form = await readForm(c);
  const { body, fieldOf } = availabilityFromForm(form);
  const saved = await asSignedIn(c, 'PUT', apiPath, body);
  if (saved.ok) return redirectWith(c, pagePath, { notice: 'availabilitySaved' });
  if (saved.status !== 400) throw new Error(`availability answered ${saved.status}`);
  const t = c.get('t');
  const errors: FieldErrors = {};
  for (const e of saved.problem.errors ?? []) {
    const field = fieldOf(e.path);
    errors[field] ??= t.availabilityErrorAt(
      placeOf(t, form, field),
      field.endsWith('.date') ? t.availabilityDateError : t.availabilityTimeError,
    );
  }
  return redirectWith(c, pagePath, { errors, values: form.fields() });
}
