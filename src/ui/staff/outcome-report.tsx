import type { Context } from 'hono';
import { type OutcomeReport, outcomeTables } from '../../routes/reports/outcomes/schema.ts';
import { formatShare } from '../format.ts';
import { named, type Strings } from '../i18n/strings.ts';
import { RadarChart } from '../radar-chart.tsx';
import { readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { ReportTableWrap } from './report-tables.tsx';

/**
 * The outcome report of fiscal year `fy` on the staff reports page, under the utilisation
 * figures: the headline figures, mean readiness before and after as a radar chart, the
 * divisions with visits, and the CSV downloads.
 */
export async function outcomeReportSection(c: Context<SignedInEnv>, fy: number) {
  const t = c.get('t');
  const o = t.outcomes;
  const report = await readSignedIn<OutcomeReport>(c, `/v1/reports/outcomes?fiscalYear=${fy}`);
  const { surveys, readiness, certification } = report;
  const median = certification.medianDaysToCertification;
  return (
    <section aria-labelledby="outcomes-title">
      <h2 id="outcomes-title">{o.reportTitle(report.label)}</h2>
      <p class="muted">{o.reportLead}</p>
      <ul class="stats">
        <Stat
          label={o.companiesServed}
          value={o.companies(report.companiesServed)}
          id="stat-served"
        />
        <Stat
          label={o.responseRate}
          value={formatShare(t, surveys.responseRate)}
          id="stat-response"
        />
        <Stat label={o.satisfiedShare} value={formatShare(t, surveys.satisfiedShare)} />
        <Stat label={o.resolvedShare} value={formatShare(t, surveys.resolvedShare)} />
        <Stat label={o.readinessRose} value={o.roseOf(readiness.rose, readiness.compared)} />
        <Stat
          label={o.certified}
          value={o.companies(certification.certifiedAfterVisit)}
          id="stat-certified"
        />
        <Stat label={o.medianDays} value={median === null ? '—' : t.days(String(median))} />
      </ul>
      <h3>{o.meanChartTitle(report.label)}</h3>
      <p class="muted">{o.answered(readiness.before.answered, readiness.after.answered)}</p>
      <RadarChart
        t={t}
        id="readiness-means"
        title={o.meanChartTitle(report.label)}
        before={readiness.before.mean}
        after={readiness.after.mean}
      />
      <IndustryTable t={t} rows={report.byIndustry.filter((row) => row.companiesServed > 0)} />
      <ul class="downloads">
        {outcomeTables.map((table) => (
          <li>
            <a href={`/staff/reports/outcomes.csv?fiscalYear=${fy}&breakdown=${table}`} download>
              {o.downloads[table]}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Stat({ label, value, id }: { label: string; value: string; id?: string }) {
  return (
    <li class="stat">
      {label}
      <strong id={id}>{value}</strong>
    </li>
  );
}

function IndustryTable({ t, rows }: { t: Strings; rows: OutcomeReport['byIndustry'] }) {
  const o = t.outcomes;
  return (
    <ReportTableWrap label={o.byIndustry}>
      <table>
        <caption>{o.byIndustry}</caption>
        <thead>
          <tr>
            <th scope="col">{t.name}</th>
            <th scope="col" class="num">
              {o.companiesServed}
            </th>
            <th scope="col" class="num">
              {t.visitsColumn}
            </th>
            <th scope="col" class="num">
              {o.responses}
            </th>
            <th scope="col" class="num">
              {o.satisfiedShare}
            </th>
            <th scope="col" class="num">
              {o.resolvedShare}
            </th>
            <th scope="col" class="num">
              {o.rose}
            </th>
            <th scope="col" class="num">
              {o.certifiedShort}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <th scope="row">{named(t, row.name)}</th>
              <td class="num">{row.companiesServed}</td>
              <td class="num">{row.visits}</td>
              <td class="num">{row.surveys.responses}</td>
              <td class="num">{formatShare(t, row.surveys.satisfiedShare)}</td>
              <td class="num">{formatShare(t, row.surveys.resolvedShare)}</td>
              <td class="num">{`${row.readiness.rose} / ${row.readiness.compared}`}</td>
              <td class="num">{row.certification.certifiedAfterVisit}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ReportTableWrap>
  );
}
