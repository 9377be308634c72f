import type { Context } from 'hono';
import { certificationBodies, certificationStatuses } from '../../domain/certification.ts';
import { industryScopes } from '../../domain/industry-scopes.ts';
import { tokyoDate } from '../../domain/time.ts';
import type { CompanyBody } from '../../routes/companies/schema.ts';
import { fieldErrorsOf } from '../api-field-errors.ts';
import { CsrfField } from '../area-page.tsx';
import { ChoiceGroup } from '../choice-group.tsx';
import { Alert, ErrorSummary, Field, type FieldErrors, Notice } from '../fields.tsx';
import { redirectWith, takeFlash } from '../flash.ts';
import { type FormValues, formValues, readForm } from '../form-values.ts';
import { formatDateTime, groupDigits } from '../format.ts';
import { named, type Strings } from '../i18n/strings.ts';
import { industryName, prefectureName, RequestBadge } from '../request-facts.tsx';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { staffPage } from './staff-page.tsx';

type Shown = {
  notice?: string;
  problem?: string;
  errors?: FieldErrors;
  values?: FormValues;
};

const scopeName = (t: Strings, code: string) => {
  const scope = industryScopes.find((s) => s.code === code);
  return scope ? named(t, scope.name) : code;
};

/** GET /staff/companies/:id: the company record, its certifications, and the form to add one. */
export async function companyPage(c: Context<SignedInEnv>) {
  const flash = await takeFlash(c);
  return render(c, {
    notice: c.get('t').outcomes.notices[flash.notice ?? ''],
    problem: flash.problem,
    errors: flash.errors,
    values: flash.values && formValues(flash.values),
  });
}

/** POST /staff/companies/:id/certifications: the API call, then back to the page. */
export async function recordCertification(c: Context<SignedInEnv>) {
  const t = c.get('t');
  const id = c.req.param('id') ?? '';
  const form = await readForm(c);
  const number = form.get('number');
  const recorded = await asSignedIn(
    c,
    'POST',
    `/v1/companies/${encodeURIComponent(id)}/certifications`,
    {
      date: form.get('date'),
      bodyId: form.get('bodyId'),
      status: form.get('status') || 'certified',
      ...(number ? { number } : {}),
    },
  );
  const page = `/staff/companies/${encodeURIComponent(id)}`;
  if (recorded.ok) return redirectWith(c, page, { notice: 'certificationRecorded' });
  const { problem } = recorded;
  if (problem.status >= 500) throw new Error(`certification answered ${problem.status}`);
  if (problem.code === 'validation-failed') {
    const errors = fieldErrorsOf(
      problem.errors,
      (field, fallback) => t.outcomes.recordErrors[field] ?? fallback,
    );
    return redirectWith(c, page, { errors, values: form.fields() });
  }
  return redirectWith(c, page, {
    problem: t.problems[problem.code] ?? problem.detail,
    values: form.fields(),
  });
}

async function render(c: Context<SignedInEnv>, shown: Shown) {
  const t = c.get('t');
  const o = t.outcomes;
  const id = encodeURIComponent(c.req.param('id') ?? '');
  const company = await readSignedIn<CompanyBody>(c, `/v1/companies/${id}`);
  const errors = shown.errors ?? {};
  return staffPage(
    c,
    {
      title: o.companyTitle(company.name),
      area: 'requests',
      errors: Object.keys(errors).length > 0,
      path: `/staff/companies/${company.id}`,
    },
    <>
      <p>
        <a href="/staff">{t.backToQueue}</a>
      </p>
      <h1>{o.companyTitle(company.name)}</h1>
      {shown.notice && <Notice>{shown.notice}</Notice>}
      {shown.problem && <Alert>{shown.problem}</Alert>}
      <ErrorSummary title={t.errorSummary(Object.keys(errors).length)} errors={errors} />
      <section class="panel" aria-labelledby="company-title">
        <h2 id="company-title">{t.company}</h2>
        <dl class="facts">
          <dt>{t.company}</dt>
          <dd>
            {company.name}
            {company.isSme && t.matching.inParens(t.sme)}
          </dd>
          {company.corporateNumber && (
            <>
              <dt>{t.corporateNumberShort}</dt>
              <dd>{company.corporateNumber}</dd>
            </>
          )}
          <dt>{t.industryShort}</dt>
          <dd>{industryName(t, company.industryCode)}</dd>
          <dt>{t.prefectureShort}</dt>
          <dd>{prefectureName(t, company.prefectureCode)}</dd>
          <dt>{t.employees}</dt>
          <dd>{groupDigits(company.employees)}</dd>
        </dl>
      </section>

      <section class="panel" aria-labelledby="applications-title">
        <h2 id="applications-title">{o.requestsTitle}</h2>
        <ul>
          {company.requests.map((r) => (
            <li>
              <a href={`/staff/requests/${r.id}`}>{formatDateTime(t, r.createdAt)}</a>{' '}
              <RequestBadge t={t} status={r.status} />
            </li>
          ))}
        </ul>
      </section>

      <h2 id="certifications-title">{o.certificationsTitle}</h2>
      {company.certifications.length === 0 ? (
        <p>{o.noCertifications}</p>
      ) : (
        <div class="table-wrap">
          <table aria-labelledby="certifications-title">
            <thead>
              <tr>
                <th scope="col">{o.certDate}</th>
                <th scope="col">{o.body}</th>
                <th scope="col">{o.certStatus}</th>
                <th scope="col">{o.certNumber}</th>
                <th scope="col">{o.warnings}</th>
              </tr>
            </thead>
            <tbody>
              {company.certifications.map((cert) => (
                <tr>
                  <td>{cert.date}</td>
                  <th scope="row">{named(t, cert.body.name)}</th>
                  <td>{o.certStatuses[cert.status]}</td>
                  <td>{cert.number ?? ''}</td>
                  <td>{cert.warnings.join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section class="panel" aria-labelledby="record-title">
        <h2 id="record-title">{o.recordTitle}</h2>
        <p>{o.recordLead}</p>
        <form method="post" action={`/staff/companies/${company.id}/certifications`} novalidate>
          <CsrfField csrf={c.get('session').csrf} />
          <ChoiceGroup
            t={t}
            name="status"
            legend={o.certStatus}
            choices={certificationStatuses.map((s) => ({ value: s, label: o.certStatuses[s] }))}
            checked={shown.values?.get('status') || 'certified'}
            error={errors.status}
            required
          />
          <Field
            t={t}
            name="date"
            label={o.certDate}
            error={errors.date}
            required
            control={(wiring) => (
              <input
                {...wiring}
                type="date"
                class="short"
                max={tokyoDate(c.get('deps').clock())}
                value={shown.values?.get('date') ?? ''}
                required
              />
            )}
          />
          <Field
            t={t}
            name="bodyId"
            label={o.body}
            error={errors.bodyId}
            required
            control={(wiring) => (
              <select {...wiring} required>
                <option value="">{t.chooseOne}</option>
                {certificationBodies.map((body) => (
                  <option value={body.id} selected={shown.values?.get('bodyId') === body.id}>
                    {o.bodyOption(named(t, body.name), scopeName(t, body.scope))}
                  </option>
                ))}
              </select>
            )}
          />
          <Field
            t={t}
            name="number"
            label={o.certNumber}
            error={errors.number}
            required={false}
            control={(wiring) => (
              <input
                {...wiring}
                type="text"
                maxlength={64}
                value={shown.values?.get('number') ?? ''}
              />
            )}
          />
          <button type="submit">{o.recordButton}</button>
        </form>
      </section>
    </>,
  );
}
