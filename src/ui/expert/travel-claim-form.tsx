import { TRAVEL_MODES, travelModeLabels } from '../../domain/travel.ts';
import type { TravelClaimBody } from '../../routes/travel-claims/schema.ts';
import { ErrorSummary, type FieldErrors } from '../fields.tsx';
import type { FormValues } from '../form-values.ts';
import { formatRange, groupDigits } from '../format.ts';
import { named, type Strings } from '../i18n/strings.ts';

// The expert's travel claim (旅費) for one on-site visit, for the expert workspace to mount:
// a page shows it for a completed visit, posts it as `travelClaimBody(form)` to
// POST /v1/me/travel-claims (or PUT /v1/me/travel-claims/:id to change it before the office
// decides), and shows the API's field errors by their paths (`legs.0.amountYen`), which are the
// controls' ids here.

/** Leg rows the form offers; empty rows are left out of the claim. */
export const LEG_ROWS = 4;

const yenValue = (value: string): number | string => {
  const plain = value.normalize('NFKC').replace(/[,\s円¥]/g, '');
  return /^\d+$/.test(plain) ? Number(plain) : value;
};

/** The API body of a posted claim form (`sessionId` added for a new claim). */
export function travelClaimBody(form: FormValues) {
  const legs = Array.from({ length: LEG_ROWS }, (_, i) => ({
    from: form.get(`legs.${i}.from`),
    to: form.get(`legs.${i}.to`),
    mode: form.get(`legs.${i}.mode`),
    amountYen: yenValue(form.get(`legs.${i}.amountYen`)),
  })).filter((leg) => leg.from !== '' || leg.to !== '' || leg.amountYen !== '');
  return {
    legs,
    allowanceYen: yenValue(form.get('allowanceYen') || '0'),
    lodgingYen: yenValue(form.get('lodgingYen') || '0'),
  };
}

/** The API's field errors as the form's: paths are the controls' ids. */
export const claimFieldErrors = (errors: { path: string; message: string }[] = []): FieldErrors =>
  Object.fromEntries(errors.map((e) => [e.path, e.message]));

export type TravelClaimFormProps = {
  t: Strings;
  /** Where the form posts. */
  action: string;
  /** Hidden fields the page needs back (a CSRF token, the visit's id). */
  hidden?: Record<string, string>;
  visit: { start: string; end: string; companyName: string };
  /** The claim being changed, if any. */
  claim?: TravelClaimBody;
  /** The year's limits, shown as hints. */
  limits: { dailyAllowanceYen: number; lodgingCapYen: number };
  /** What was posted, shown again with its errors. */
  values?: FormValues;
  errors?: FieldErrors;
};

export function TravelClaimForm({
  t,
  action,
  hidden = {},
  visit,
  claim,
  limits,
  values,
  errors = {},
}: TravelClaimFormProps) {
  const m = t.money;
  const stored = (i: number) => claim?.legs[i];
  const value = (name: string, fallback: string) => values?.get(name) || fallback;
  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': 'true' as const } : {});
  return (
    <form method="post" action={action} class="stack" novalidate>
      {Object.entries(hidden).map(([name, v]) => (
        <input type="hidden" name={name} value={v} />
      ))}
      <h2>{m.claimFormTitle}</h2>
      <p>{m.claimFormLead(formatRange(t, visit.start, visit.end), visit.companyName)}</p>
      <ErrorSummary title={m.checkFields} errors={errors} />
      <fieldset>
        <legend>{m.legs}</legend>
        {errors.legs && (
          <span class="error" id="legs">
            {errors.legs}
          </span>
        )}
        {Array.from({ length: LEG_ROWS }, (_, i) => (
          <fieldset class="window">
            <legend>{m.legNumber(i + 1)}</legend>
            <div class="window-fields">
              {(['from', 'to'] as const).map((part) => {
                const name = `legs.${i}.${part}`;
                return (
                  <div class={errors[name] ? 'field invalid' : 'field'}>
                    <label for={name}>{part === 'from' ? m.legFrom : m.legTo}</label>
                    {errors[name] && <span class="error">{errors[name]}</span>}
                    <input
                      type="text"
                      id={name}
                      name={name}
                      maxlength={100}
                      value={value(name, stored(i)?.[part] ?? '')}
                      {...invalid(name)}
                    />
                  </div>
                );
              })}
              <div class="field">
                <label for={`legs.${i}.mode`}>{m.legMode}</label>
                <select id={`legs.${i}.mode`} name={`legs.${i}.mode`}>
                  {TRAVEL_MODES.map((mode) => (
                    <option
                      value={mode}
                      selected={value(`legs.${i}.mode`, stored(i)?.mode ?? 'train') === mode}
                    >
                      {named(t, travelModeLabels[mode])}
                    </option>
                  ))}
                </select>
              </div>
              <div class={errors[`legs.${i}.amountYen`] ? 'field invalid' : 'field'}>
                <label for={`legs.${i}.amountYen`}>{m.legAmount}</label>
                {errors[`legs.${i}.amountYen`] && (
                  <span class="error">{errors[`legs.${i}.amountYen`]}</span>
                )}
                <input
                  type="text"
                  inputmode="numeric"
                  class="short"
                  id={`legs.${i}.amountYen`}
                  name={`legs.${i}.amountYen`}
                  value={value(
                    `legs.${i}.amountYen`,
                    stored(i) ? String(stored(i)?.amountYen) : '',
                  )}
                  {...invalid(`legs.${i}.amountYen`)}
                />
              </div>
            </div>
          </fieldset>
        ))}
      </fieldset>
      {(
        [
          ['allowanceYen', m.dailyAllowance, limits.dailyAllowanceYen, claim?.allowanceYen],
          ['lodgingYen', m.lodging, limits.lodgingCapYen, claim?.lodgingYen],
        ] as const
      ).map(([name, label, limit, current]) => (
        <div class={errors[name] ? 'field invalid' : 'field'}>
          <label for={name}>{label}</label>
          <span class="hint" id={`${name}-hint`}>
            {m.upTo(groupDigits(limit))}
          </span>
          {errors[name] && <span class="error">{errors[name]}</span>}
          <input
            type="text"
            inputmode="numeric"
            class="short"
            id={name}
            name={name}
            value={value(name, String(current ?? 0))}
            aria-describedby={`${name}-hint`}
            {...invalid(name)}
          />
        </div>
      ))}
      <button type="submit">{claim ? m.claimUpdate : m.claimSubmit}</button>
    </form>
  );
}
