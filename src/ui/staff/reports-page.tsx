import type { Hono } from 'hono';
import { fiscalYearOf, fiscalYearRange } from '../../domain/time.ts';
import {
  breakdowns,
  type UsageReport,
  type UtilisationReport,
} from '../../routes/reports/schema.ts';
import type { UiEnv } from '../context.ts';
import { dayOf, formatDay, formatShare } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { PageNotFound, SignedOut } from '../page-errors.ts';
import { readSignedIn } from '../signed-in.ts';
import { BarChart } from './bar-chart.tsx';
import { BudgetPanel } from './budget-panel.tsx';
import { outcomeReportSection } from './outcome-report.tsx';
import { BreakdownTable, ExpertTable, namedRows } from './report-tables.tsx';
import { canChange, requireReader } from './session.ts';
import { staffPage } from './staff-page.tsx';

// The certification began in FY2018 (in force 2018-09-25): the picker starts there.
const FIRST_FISCAL_YEAR = 2018;

const breakdownTitle = (t: Strings): Record<(typeof breakdowns)[number], string> => ({
  month: t.byMonth,
  industry: t.byIndustry,
  prefecture: t.byPrefecture,
  expert: t.byExpert,
  topic: t.byTopic,
  format: t.byFormat,
  company: t.byCompany,
});

/** A fiscal year from the query, or the current one; a year the API refuses is a 404. */
function fiscalYearFrom(value: string | undefined, current: number): number {
  if (value === undefined || value === '') return current;
  if (!/^\d{4}$/.test(value)) throw new PageNotFound();
  return Number(value);
}

/**
 * The years to pick from, newest first: those since the certification began, and the year
 * shown even when it lies outside them (?fiscalYear=1999), so the select names the year the
 * heading does.
 */
function yearOptions(
  years: UsageReport['years'],
  shown: number,
  report: UtilisationReport,
): UsageReport['years'] {
  const listed = years.some((y) => y.fiscalYear === shown)
    ? years
    : [...years, { fiscalYear: shown, label: report.label, visits: report.visits }];
  return [...listed].sort((a, b) => b.fiscalYear - a.fiscalYear);
}

export function registerReportPages(ui: Hono<UiEnv>) {
  ui.get('/staff/reports', requireReader, async (c) => {
    const t = c.get('t');
    const current = fiscalYearOf(c.get('deps').clock());
    const fy = fiscalYearFrom(c.req.query('fiscalYear'), current);
    const [report, usage] = await Promise.all([
      readSignedIn<UtilisationReport>(c, `/v1/reports/utilisation?fiscalYear=${fy}`),
      readSignedIn<UsageReport>(c, `/v1/reports/usage?from=${FIRST_FISCAL_YEAR}&to=${current}`),
    ]);
    const period = fiscalYearRange(fy);
    const titles = breakdownTitle(t);
    return staffPage(
      c,
      { title: t.reportsTitle, area: 'reports' },
      <>
        <h1>{t.reportsTitle}</h1>
        <form method="get" action="/staff/reports" class="inline-form panel">
          <div class="field">
            <label for="fiscalYear">{t.fiscalYear}</label>
            <select id="fiscalYear" name="fiscalYear">
              {yearOptions(usage.years, fy, report).map((y) => (
                <option value={String(y.fiscalYear)} selected={y.fiscalYear === fy}>
                  {`${t.fiscalYearOption(y.fiscalYear, y.label)} — ${t.visits(y.visits)}`}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t.show}</button>
        </form>

        <h2 id="headline">{t.headline(fy, report.label, report.visits)}</h2>
        <p class="muted">
          {t.period(
            formatDay(t, dayOf(period.start.getTime())),
            formatDay(t, dayOf(period.end.getTime() - 1)),
          )}
        </p>
        <ul class="stats">
          <Stat label={t.totalVisits} value={t.visits(report.visits)} id="stat-visits" />
          <Stat label={t.uniqueCompanies} value={String(report.uniqueCompanies)} />
          <Stat label={t.smeShare} value={formatShare(t, report.smeShare)} />
          <Stat label={t.scheduled} value={String(report.scheduled)} />
          <Stat label={t.cancelled} value={String(report.cancelled)} />
          <Stat label={t.noShows} value={String(report.noShows)} />
          <Stat
            label={t.leadTime}
            value={report.leadTimeDays === null ? '—' : t.days(String(report.leadTimeDays))}
          />
        </ul>

        {canChange(c) && <BudgetPanel c={c} fiscalYear={fy} />}
        <h2>{t.chartTitle(fy, report.label)}</h2>
        <BarChart
          t={t}
          id="visits-by-month"
          title={t.chartTitle(fy, report.label)}
          bars={report.byMonth.map((m) => {
            const label = t.monthShort(Number(m.month.slice(5)));
            return {
              key: m.month,
              label,
              value: m.visits,
              title: `${label} ${t.visits(m.visits)}`,
            };
          })}
        />

        <h2>{t.downloadsTitle}</h2>
        <ul class="downloads">
          {breakdowns.map((b) => (
            <li>
              <a href={`/staff/reports/csv?fiscalYear=${fy}&breakdown=${b}`} download>
                {`${titles[b]} (CSV)`}
              </a>
            </li>
          ))}
        </ul>

        <h2>{t.breakdownsTitle}</h2>
        <p class="muted">{t.zeroRowsHidden}</p>
        <div class="breakdowns">
          <BreakdownTable
            t={t}
            caption={t.byMonth}
            keepZeros
            rows={report.byMonth.map((m) => ({
              name: t.monthShort(Number(m.month.slice(5))),
              visits: m.visits,
            }))}
          />
          <BreakdownTable t={t} caption={t.byIndustry} rows={namedRows(t, report.byIndustry)} />
          <BreakdownTable t={t} caption={t.byPrefecture} rows={namedRows(t, report.byPrefecture)} />
          <BreakdownTable t={t} caption={t.byTopic} rows={namedRows(t, report.byTopic)} />
          <BreakdownTable
            t={t}
            caption={t.byFormat}
            rows={report.byFormat.map((f) => ({ name: t.formats[f.format], visits: f.visits }))}
          />
        </div>
        <ExpertTable t={t} rows={report.byExpert} />
        {await outcomeReportSection(c, fy)}

        <h2>{t.usageTitle}</h2>
        <BreakdownTable
          t={t}
          caption={t.usageTitle}
          keepZeros
          rows={usage.years.map((y) => ({
            name: t.fiscalYearOption(y.fiscalYear, y.label),
            visits: y.visits,
          }))}
        />
      </>,
    );
  });

  // The API's CSV as it is (UTF-8 with BOM, its file name), for a link a browser can follow.
  ui.get('/staff/reports/csv', requireReader, async (c) => {
    const query = new URLSearchParams({
      fiscalYear: c.req.query('fiscalYear') ?? '',
      breakdown: c.req.query('breakdown') ?? '',
      format: 'csv',
    });
    const res = await c
      .get('api')
      .raw(`/v1/reports/utilisation?${query}`, { principal: c.get('session').principal });
    if (res.status === 401) throw new SignedOut();
    if (!res.ok) throw new PageNotFound();
    return res;
  });
}

function Stat({ label, value, id }: { label: string; value: string; id?: string }) {
  return (
    <li class="stat">
      {label}
      <strong id={id}>{value}</strong>
    </li>
  );
}
