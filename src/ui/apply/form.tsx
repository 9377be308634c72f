import {
  type IndustryDivision,
  type IndustryGroup,
  industryDivisions,
  prefectures,
  taxonomyDocument,
  topics,
} from '../../domain/taxonomy.ts';
import { describedBy, ErrorSummary, Field, type FieldErrors, RequiredTag } from '../fields.tsx';
import type { FormValues } from '../form-values.ts';
import { named, type Strings } from '../i18n/strings.ts';
import { WINDOW_ROWS } from './form-data.ts';

const DURATIONS = [60, 90, 120, 150, 180, 210, 240];
const DIVISIONS_WITH_GROUPS = taxonomyDocument().industries.filter((d) => d.groups.length > 0);
const FORMATS = ['onsite', 'online', 'either'] as const;

export type ApplicationFormProps = {
  t: Strings;
  values: FormValues;
  errors: FieldErrors;
  /** Replays a resent form (reload, double click) instead of applying twice. */
  idempotencyKey: string;
  /** The bookable range as datetime-local values, and as words for the hint. */
  range: { min: string; max: string; from: string; to: string };
  /** Where the office's privacy policy is (PRIVACY_POLICY_URL, or /privacy). */
  privacyUrl: string;
  notice?: string;
};

export function ApplicationForm({
  t,
  values,
  errors,
  idempotencyKey,
  range,
  privacyUrl,
  notice,
}: ApplicationFormProps) {
  const text = (
    name: string,
    label: string,
    options: {
      type?: string;
      required?: boolean;
      hint?: string;
      autocomplete?: string;
      inputmode?: 'numeric' | 'tel' | 'email';
    } = {},
  ) => (
    <Field
      t={t}
      name={name}
      label={label}
      hint={options.hint}
      error={errors[name]}
      required={options.required ?? false}
      control={(wiring) => (
        <input
          {...wiring}
          type={options.type ?? 'text'}
          value={values.get(name)}
          required={options.required}
          autocomplete={options.autocomplete}
          inputmode={options.inputmode}
        />
      )}
    />
  );
  const chosen = (name: string, value: string, fallback = '') =>
    (values.get(name) || fallback) === value;
  const industryOption = (i: IndustryDivision | IndustryGroup) => (
    <option value={i.code} selected={chosen('company.industryCode', i.code)}>
      {`${i.code} ${named(t, i.name)}`}
    </option>
  );

  return (
    <form method="post" action="/apply" class="stack" novalidate>
      {notice && (
        <div class="alert" role="alert">
          {notice}
        </div>
      )}
      <ErrorSummary title={t.errorSummary(Object.keys(errors).length)} errors={errors} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />

      <fieldset>
        <legend>{t.sectionCompany}</legend>
        {text('company.name', t.companyName, { required: true, autocomplete: 'organization' })}
        <Field
          t={t}
          name="company.corporateNumber"
          label={t.corporateNumber}
          hint={t.corporateNumberHint}
          error={errors['company.corporateNumber']}
          required={false}
          control={(wiring) => (
            <input
              {...wiring}
              aria-describedby={describedBy(
                wiring['aria-describedby'],
                'company.corporateNumber-live',
              )}
              class="short"
              type="text"
              inputmode="numeric"
              autocomplete="off"
              maxlength={20}
              value={values.get('company.corporateNumber')}
              data-corporate-number=""
              data-live="company.corporateNumber-live"
              data-msg-digits={t.corporateNumberDigits}
              data-msg-length={t.corporateNumberLength}
              data-msg-check={t.corporateNumberCheck}
              data-msg-ok={t.corporateNumberOk}
            />
          )}
          after={<span id="company.corporateNumber-live" class="live" aria-live="polite" />}
        />
        <Field
          t={t}
          name="company.industryCode"
          label={t.industry}
          hint={t.industryHint}
          error={errors['company.industryCode']}
          required
          control={(wiring) => (
            <select {...wiring} required>
              <option value="">{t.chooseOne}</option>
              <optgroup label={t.divisionsGroup}>{industryDivisions.map(industryOption)}</optgroup>
              {DIVISIONS_WITH_GROUPS.map((division) => (
                <optgroup label={t.groupsOf(named(t, division.name))}>
                  {division.groups.map(industryOption)}
                </optgroup>
              ))}
            </select>
          )}
        />
        <Field
          t={t}
          name="company.prefectureCode"
          label={t.prefecture}
          error={errors['company.prefectureCode']}
          required
          control={(wiring) => (
            <select {...wiring} required>
              <option value="">{t.chooseOne}</option>
              {prefectures.map((p) => (
                <option value={p.code} selected={chosen('company.prefectureCode', p.code)}>
                  {named(t, p.name)}
                </option>
              ))}
            </select>
          )}
        />
        {text('company.address', t.address, {
          hint: t.addressHint,
          autocomplete: 'street-address',
        })}
        {text('company.employees', t.employees, { required: true, inputmode: 'numeric' })}
        {text('company.capitalYen', t.capital, {
          required: true,
          hint: t.capitalHint,
          inputmode: 'numeric',
        })}
      </fieldset>

      <fieldset>
        <legend>{t.sectionContact}</legend>
        {text('contact.name', t.contactName, { required: true, autocomplete: 'name' })}
        {text('contact.nameKana', t.contactNameKana, { hint: t.contactNameKanaHint })}
        {text('contact.email', t.email, { type: 'email', required: true, autocomplete: 'email' })}
        {text('contact.phone', t.phone, { type: 'tel', autocomplete: 'tel' })}
      </fieldset>

      <fieldset>
        <legend>{t.sectionConsultation}</legend>
        <fieldset
          id="topics"
          class={errors.topics ? 'field invalid' : 'field'}
          aria-describedby={errors.topics ? 'topics-error' : undefined}
        >
          <legend>
            {t.topics}
            <RequiredTag t={t} required />
          </legend>
          {errors.topics && (
            <span class="error" id="topics-error">
              {errors.topics}
            </span>
          )}
          <ul class="choices">
            {topics.map((topic) => (
              <li>
                <label class="choice">
                  <input
                    type="checkbox"
                    name="topics"
                    value={topic.code}
                    checked={values.all('topics').includes(topic.code)}
                  />
                  <span>{named(t, topic.name)}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <fieldset
          id="format"
          class={errors.format ? 'field invalid' : 'field'}
          aria-describedby={errors.format ? 'format-error' : undefined}
        >
          <legend>
            {t.format}
            <RequiredTag t={t} required />
          </legend>
          {errors.format && (
            <span class="error" id="format-error">
              {errors.format}
            </span>
          )}
          <ul class="choices">
            {FORMATS.map((format) => (
              <li>
                <label class="choice">
                  <input
                    type="radio"
                    name="format"
                    value={format}
                    checked={chosen('format', format, 'either')}
                  />
                  <span>{t.formats[format]}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <Field
          t={t}
          name="durationMinutes"
          label={t.duration}
          error={errors.durationMinutes}
          required
          control={(wiring) => (
            <select {...wiring} class="short">
              {DURATIONS.map((m) => (
                <option value={String(m)} selected={chosen('durationMinutes', String(m), '120')}>
                  {t.minutes(m)}
                </option>
              ))}
            </select>
          )}
        />
        <Field
          t={t}
          name="notes"
          label={t.notes}
          error={errors.notes}
          required={false}
          control={(wiring) => (
            <textarea {...wiring} rows={4} maxlength={4000}>
              {values.get('notes')}
            </textarea>
          )}
        />
      </fieldset>

      <fieldset id="preferredWindows" aria-describedby="preferredWindows-hint">
        <legend>{t.sectionWindows}</legend>
        <span class="hint" id="preferredWindows-hint">
          {t.windowsHint(range.from, range.to)}
        </span>
        {errors.preferredWindows && (
          <span class="error" id="preferredWindows-error">
            {errors.preferredWindows}
          </span>
        )}
        <div class="windows">
          {Array.from({ length: WINDOW_ROWS }, (_, row) => (
            <fieldset class="window">
              <legend>
                {t.windowN(row + 1)}
                <RequiredTag t={t} required={row === 0} />
              </legend>
              <div class="window-fields">
                {(['start', 'end'] as const).map((part) => {
                  const name = `preferredWindows.${row}.${part}`;
                  return (
                    <Field
                      t={t}
                      name={name}
                      label={part === 'start' ? t.windowStart : t.windowEnd}
                      error={errors[name]}
                      control={(wiring) => (
                        <input
                          {...wiring}
                          type="datetime-local"
                          min={range.min}
                          max={range.max}
                          step={1800}
                          value={values.get(name)}
                          required={row === 0}
                        />
                      )}
                    />
                  );
                })}
              </div>
            </fieldset>
          ))}
        </div>
      </fieldset>

      <fieldset
        id="privacyConsent"
        class={errors.privacyConsent ? 'field invalid' : 'field'}
        aria-describedby={errors.privacyConsent ? 'privacyConsent-error' : undefined}
      >
        <legend>
          {t.privacyTitle}
          <RequiredTag t={t} required />
        </legend>
        {errors.privacyConsent && (
          <span class="error" id="privacyConsent-error">
            {errors.privacyConsent}
          </span>
        )}
        <p>
          {t.privacyLead}{' '}
          <a href={privacyUrl} target="_blank" rel="noopener">
            {t.privacyLink}
          </a>
        </p>
        <label class="choice">
          <input
            type="checkbox"
            name="privacyConsent"
            value="1"
            checked={values.get('privacyConsent') === '1'}
          />
          <span>{t.privacyAgree}</span>
        </label>
      </fieldset>

      <div class="actions">
        <button type="submit">{t.submitApplication}</button>
      </div>
    </form>
  );
}
