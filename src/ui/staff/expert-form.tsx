import {
  topics as allTopics,
  industryScopes,
  prefectures,
  taxonomyDocument,
} from '../../domain/taxonomy.ts';
import type { ExpertBody } from '../../routes/experts/schema.ts';
import { CsrfField } from '../area-page.tsx';
import { ErrorSummary, Field, type FieldErrors } from '../fields.tsx';
import { type FormValues, formValues } from '../form-values.ts';
import { named, type Strings } from '../i18n/strings.ts';

// An expert's profile as staff create and edit it: one plain form (lists as checkboxes or a
// multiple select), turned into the API's body and the API's errors turned back into fields.

const INDUSTRIES = taxonomyDocument().industries;

/** The form's fields showing `expert`. */
export function expertValues(expert: ExpertBody): FormValues {
  return formValues({
    name: [expert.name],
    email: [expert.email],
    affiliation: [expert.affiliation],
    industries: expert.industries,
    tags: expert.tags,
    topics: expert.topics,
    prefectures: expert.prefectures,
    online: expert.online ? ['1'] : [],
    languages: [expert.languages.join(' ')],
    maxVisitsPerMonth: [String(expert.maxVisitsPerMonth)],
    travelBufferMinutes: [String(expert.travelBufferMinutes)],
    conflicts: [expert.conflicts.join('\n')],
  });
}

/** The API's body from the posted form (numbers as numbers, lists split). */
export function expertFromForm(form: FormValues) {
  const words = (name: string) =>
    form
      .get(name)
      .split(/[\s,、]+/)
      .filter(Boolean);
  const number = (name: string) => (form.get(name) === '' ? Number.NaN : Number(form.get(name)));
  return {
    name: form.get('name'),
    email: form.get('email'),
    affiliation: form.get('affiliation'),
    industries: form.all('industries'),
    tags: form.all('tags'),
    topics: form.all('topics'),
    prefectures: form.all('prefectures'),
    online: form.get('online') === '1',
    languages: words('languages'),
    maxVisitsPerMonth: number('maxVisitsPerMonth'),
    travelBufferMinutes: number('travelBufferMinutes'),
    conflicts: words('conflicts'),
  };
}

/** The API's field errors by the form's field names (a list's entries name the list). */
export function expertErrors(
  t: Strings,
  errors: readonly { path: string; message: string }[],
): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const name = e.path.split('.')[0] ?? e.path;
    out[name] ??= t.expertFieldErrors[name] ?? e.message;
  }
  return out;
}

export function ExpertForm(props: {
  t: Strings;
  action: string;
  csrf: string;
  values: FormValues;
  errors: FieldErrors;
  submit: string;
}) {
  const { t, action, csrf, values, errors, submit } = props;
  const text = (name: string, label: string, type = 'text', required = false) => (
    <Field
      t={t}
      name={name}
      label={label}
      error={errors[name]}
      required={required}
      control={(wiring) => (
        <input {...wiring} type={type} value={values.get(name)} required={required} />
      )}
    />
  );
  const checks = (name: string, legend: string, items: { value: string; label: string }[]) => (
    <fieldset id={name} class={errors[name] ? 'invalid' : undefined}>
      <legend>{legend}</legend>
      {errors[name] && <span class="error">{errors[name]}</span>}
      <ul class="checks">
        {items.map((item) => (
          <li>
            <input
              type="checkbox"
              id={`${name}-${item.value}`}
              name={name}
              value={item.value}
              checked={values.all(name).includes(item.value)}
            />
            <label for={`${name}-${item.value}`}>{item.label}</label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
  return (
    <>
      <ErrorSummary title={t.errorSummary(Object.keys(errors).length)} errors={errors} />
      <form method="post" action={action} class="stack" novalidate>
        <CsrfField csrf={csrf} />
        <fieldset>
          <legend>{t.expertProfile}</legend>
          {text('name', t.name, 'text', true)}
          {text('email', t.email, 'email', true)}
          {text('affiliation', t.affiliation)}
        </fieldset>
        <Field
          t={t}
          name="industries"
          label={t.industries}
          hint={t.industriesHint}
          error={errors.industries}
          control={(wiring) => (
            <select {...wiring} multiple size={12}>
              {INDUSTRIES.map((division) => (
                <optgroup label={`${division.code} ${named(t, division.name)}`}>
                  <option
                    value={division.code}
                    selected={values.all('industries').includes(division.code)}
                  >
                    {`${division.code} ${named(t, division.name)}`}
                  </option>
                  {division.groups.map((group) => (
                    <option
                      value={group.code}
                      selected={values.all('industries').includes(group.code)}
                    >
                      {`${group.code} ${named(t, group.name)}`}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          )}
        />
        {checks(
          'tags',
          t.scopeTags,
          industryScopes.map((s) => ({ value: s.code, label: named(t, s.name) })),
        )}
        {checks(
          'topics',
          t.topicsLabel,
          allTopics.map((topic) => ({ value: topic.code, label: named(t, topic.name) })),
        )}
        {checks(
          'prefectures',
          t.prefectures,
          prefectures.map((p) => ({ value: p.code, label: named(t, p.name) })),
        )}
        <fieldset>
          <legend>{t.visitTerms}</legend>
          <div class="field check">
            <input
              type="checkbox"
              id="online"
              name="online"
              value="1"
              checked={values.get('online') === '1'}
            />
            <label for="online">{t.onlineVisits}</label>
          </div>
          {text('maxVisitsPerMonth', t.maxVisitsPerMonth, 'number', true)}
          {text('travelBufferMinutes', t.travelBufferLabel, 'number', true)}
          {text('languages', t.languagesLabel)}
        </fieldset>
        <Field
          t={t}
          name="conflicts"
          label={t.conflictsLabel}
          hint={t.conflictsHint}
          error={errors.conflicts}
          control={(wiring) => (
            <textarea {...wiring} rows={3}>
              {values.get('conflicts')}
            </textarea>
          )}
        />
        <div class="actions">
          <button type="submit">{submit}</button>
        </div>
      </form>
    </>
  );
}
