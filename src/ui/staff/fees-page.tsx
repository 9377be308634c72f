import type { Context, Hono } from 'hono';
import { fiscalYearOf } from '../../domain/time.ts';
import type { Problem } from '../../http/errors.ts';
import type { BudgetBody } from '../../routes/budget/schema.ts';
import type { FeeRatesBody } from '../../routes/fees/schema.ts';
import { CsrfField } from '../area-page.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, ErrorSummary, Field, type FieldErrors, Notice } from '../fields.tsx';
import { type Flash, redirectWith, takeFlash } from '../flash.ts';
import { type FormValues, formValues, readForm } from '../form-values.ts';
import { PageNotFound } from '../page-errors.ts';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { BudgetFigures } from './budget-panel.tsx';
import { moneyPage } from './money-page.tsx';
import { requireStaff } from './session.ts';

// A fiscal year's rates (謝金・旅費) and budget, set by the office. Percentages are shown and
// typed as people say them (10.21); the API keeps basis points (1021). Both forms answer with
// a redirect back here: a notice, or the form's errors all at once with what was typed.

const YEN_FIELDS = [
  'hourlyRateYen',
  'dailyCapYen',
  'withholdingThresholdYen',
  'dailyAllowanceYen',
  'lodgingCapYen',
  'travelEstimateYen',
] as const;

/** A whole number as typed (full-width digits and commas allowed), or the text as it was. */
function wholeNumber(value: string): number | string {
  const plain = value.normalize('NFKC').replace(/[,\s]/g, '');
  return /^-?\d+$/.test(plain) ? Number(plain) : value;
}

/** 10.21 (%) → 1021 basis points; anything else goes to the API as it is, to be refused there. */
function basisPoints(value: string): number | string {
  const plain = value.normalize('NFKC').trim();
  return /^\d+(\.\d{1,2})?$/.test(plain) ? Math.round(Number(plain) * 100) : value;
}

const percent = (bp: number) => (bp / 100).toFixed(2);

export function fiscalYearParam(value: string | undefined, current: number): number {
  if (value === undefined || value === '') return current;
  if (!/^\d{4}$/.test(value)) throw new PageNotFound();
  return Number(value);
}

export function registerFeesPage(ui: Hono<UiEnv>) {
  ui.get('/staff/fees', requireStaff, async (c) => {
    const current = fiscalYearOf(c.get('deps').clock());
    const fy = fiscalYearParam(c.req.query('fiscalYear'), current);
    return feesPage(c, fy, await takeFlash(c));
  });

  ui.post('/staff/fees/:fiscalYear/rates', requireStaff, async (c) => {
    const fy = fiscalYearParam(c.req.param('fiscalYear'), 0);
    const form = await readForm(c);
    const body = {
      ...Object.fromEntries(YEN_FIELDS.map((f) => [f, wholeNumber(form.get(f))])),
      unitMinutes: wholeNumber(form.get('unitMinutes')),
      withholdingBp: basisPoints(form.get('withholdingPercent')),
      withholdingAboveBp: basisPoints(form.get('withholdingAbovePercent')),
      withholdTravel: form.get('withholdTravel') === 'on',
    };
    const res = await asSignedIn(c, 'PUT', `/v1/fees/${fy}`, body);
    if (res.ok) return redirectWith(c, here(fy), { notice: 'ratesSaved' });
    return sentBack(c, fy, res.problem, form);
  });

  ui.post('/staff/fees/:fiscalYear/budget', requireStaff, async (c) => {
    const fy = fiscalYearParam(c.req.param('fiscalYear'), 0);
    const form = await readForm(c);
    const closes = form.get('intakeClosesOn');
    const res = await asSignedIn(c, 'PUT', `/v1/budget/${fy}`, {
      amountYen: wholeNumber(form.get('amountYen')),
      intakeClosesOn: closes === '' ? null : closes,
    });
    if (res.ok) return redirectWith(c, here(fy), { notice: 'budgetSaved' });
    return sentBack(c, fy, res.problem, form);
  });
}

const here = (fy: number) => `/staff/fees?fiscalYear=${fy}`;

/** Back to the page with the API's refusal: its message, each field it names, what was typed. */
function sentBack(c: Context<SignedInEnv>, fy: number, problem: Problem, form: FormValues) {
  if (problem.status >= 500) throw new Error(`fees answered ${problem.status} ${problem.code}`);
  const errors: FieldErrors = {};
  for (const e of problem.errors ?? []) {
    const field = e.path
      .replace(/^withholdingBp$/, 'withholdingPercent')
      .replace(/^withholdingAboveBp$/, 'withholdingAbovePercent');
    errors[field] = e.message;
  }
  // Fields named: the error summary says what to fix; else the refusal's own words.
  const named = Object.keys(errors).length > 0;
  return redirectWith(c, here(fy), {
    ...(named
      ? { errors }
      : { problem: c.get('t').money.problems[problem.code] ?? problem.detail }),
    values: form.fields(),
  });
}

async function feesPage(c: Context<SignedInEnv>, fy: number, flash: Flash) {
  const t = c.get('t');
  const m = t.money;
  const [rates, budget] = await Promise.all([
    readSignedIn<FeeRatesBody>(c, `/v1/fees/${fy}`),
    readSignedIn<BudgetBody>(c, `/v1/budget/${fy}`),
  ]);
  const csrf = c.get('session').csrf;
  const current = fiscalYearOf(c.get('deps').clock());
  const errors = flash.errors ?? {};
  // The form sent back shows what was typed; the page's other form, what is stored.
  const sent = flash.values ? formValues(flash.values) : undefined;
  const sentRates = sent !== undefined && 'hourlyRateYen' in sent.fields();
  const value = (name: string, stored: string) =>
    sent && name in sent.fields() ? sent.get(name) : stored;
  const yenField = (name: (typeof YEN_FIELDS)[number], label: string, hint?: string) => (
    <Field
      t={t}
      name={name}
      label={label}
      hint={hint}
      error={errors[name]}
      control={(wiring) => (
        <input
          type="text"
          inputmode="numeric"
          class="short"
          value={value(name, String(rates[name]))}
          disabled={rates.frozen}
          {...wiring}
        />
      )}
    />
  );
  const notice = flash.notice && m.notices[flash.notice];
  return moneyPage(
    c,
    { title: m.feesTitle(rates.label), tab: 'fees', errors: Object.keys(errors).length > 0 },
    <>
      <h1>{m.feesTitle(rates.label)}</h1>
      {notice && <Notice>{notice}</Notice>}
      {flash.problem && <Alert>{flash.problem}</Alert>}
      <ErrorSummary title={m.checkFields} errors={errors} />
      <form method="get" action="/staff/fees" class="inline-form panel">
        <div class="field">
          <label for="fiscalYear">{t.fiscalYear}</label>
          <select id="fiscalYear" name="fiscalYear">
            {[
              current + 1,
              current,
              current - 1,
              current - 2,
              current - 3,
              current - 4,
              current - 5,
            ].map((y) => (
              <option value={String(y)} selected={y === fy}>
                {m.fiscalYearShort(y)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t.show}</button>
      </form>

      <section class="panel" aria-labelledby="budget-form-title">
        <h2 id="budget-form-title">{m.budgetTitle(budget.label)}</h2>
        <BudgetFigures t={t} budget={budget} />
        <form method="post" action={`/staff/fees/${fy}/budget`} class="stack">
          <CsrfField csrf={csrf} />
          <Field
            t={t}
            name="amountYen"
            label={m.budgetAmount}
            hint={m.yenHint}
            required
            error={errors.amountYen}
            control={(wiring) => (
              <input
                type="text"
                inputmode="numeric"
                class="short"
                value={value(
                  'amountYen',
                  budget.amountYen === null ? '' : String(budget.amountYen),
                )}
                required
                {...wiring}
              />
            )}
          />
          <Field
            t={t}
            name="intakeClosesOn"
            label={m.intakeClosesOn}
            hint={m.intakeClosesOnHint}
            required={false}
            error={errors.intakeClosesOn}
            control={(wiring) => (
              <input
                type="date"
                value={value('intakeClosesOn', budget.intakeClosesOn ?? '')}
                {...wiring}
              />
            )}
          />
          <button type="submit">{m.saveBudget}</button>
        </form>
      </section>

      <section class="panel" aria-labelledby="rates-title">
        <h2 id="rates-title">{m.ratesTitle}</h2>
        {rates.frozen ? (
          <Notice>{m.ratesFrozen}</Notice>
        ) : (
          rates.isDefault && <p>{m.ratesDefault}</p>
        )}
        <form method="post" action={`/staff/fees/${fy}/rates`} class="stack">
          <CsrfField csrf={csrf} />
          <fieldset>
            <legend>{m.feeLegend}</legend>
            {yenField('hourlyRateYen', m.hourlyRate, m.hourlyRateHint)}
            <Field
              t={t}
              name="unitMinutes"
              label={m.unitMinutes}
              hint={m.unitMinutesHint}
              error={errors.unitMinutes}
              control={(wiring) => (
                <input
                  type="text"
                  inputmode="numeric"
                  class="short"
                  value={value('unitMinutes', String(rates.unitMinutes))}
                  disabled={rates.frozen}
                  {...wiring}
                />
              )}
            />
            {yenField('dailyCapYen', m.dailyCap, m.dailyCapHint)}
          </fieldset>
          <fieldset>
            <legend>{m.withholdingLegend}</legend>
            {(['withholdingPercent', 'withholdingAbovePercent'] as const).map((name) => (
              <Field
                t={t}
                name={name}
                label={name === 'withholdingPercent' ? m.withholdingRate : m.withholdingAboveRate}
                hint={m.percentHint}
                error={errors[name]}
                control={(wiring) => (
                  <input
                    type="text"
                    inputmode="decimal"
                    class="short"
                    value={value(
                      name,
                      percent(
                        name === 'withholdingPercent'
                          ? rates.withholdingBp
                          : rates.withholdingAboveBp,
                      ),
                    )}
                    disabled={rates.frozen}
                    {...wiring}
                  />
                )}
              />
            ))}
            {yenField('withholdingThresholdYen', m.withholdingThreshold)}
            <div class="field">
              <label class="choice">
                <input
                  type="checkbox"
                  name="withholdTravel"
                  checked={sentRates ? sent?.get('withholdTravel') === 'on' : rates.withholdTravel}
                  disabled={rates.frozen}
                />
                {m.withholdTravel}
              </label>
            </div>
          </fieldset>
          <fieldset>
            <legend>{m.travelLegend}</legend>
            {yenField('dailyAllowanceYen', m.dailyAllowance)}
            {yenField('lodgingCapYen', m.lodgingCap)}
            {yenField('travelEstimateYen', m.travelEstimate, m.travelEstimateHint)}
          </fieldset>
          {!rates.frozen && <button type="submit">{m.saveRates}</button>}
        </form>
      </section>
    </>,
  );
}
