// `npm run bench -- scale` (issue 19): the growth table. Matches and the company's slots at
// 200, 2,000 and 10,000 experts in a national distribution and in the worst case, checked
// against the oracle; the utilisation report at 100,000 and 1,000,000 visits; the scheduled
// sync of 10,000 calendars by four processes; each with the servers' peak memory and the
// machine's load average while it was measured. Seeds are built with set-based SQL in
// databases of their own, dropped afterwards (about 3 GB at the largest; see `df -h`).
import { feedRows, runScaleFeeds } from './scale-feeds.ts';
import { matchRows, runScaleMatches, SIZES, type SizeFigures } from './scale-matches.ts';
import { type ReportFigures, reportRows, runScaleReport } from './scale-report.ts';
import { note, runIfMain } from './support/main.ts';
import type { Latency } from './support/stats.ts';
import type { Row } from './support/table.ts';

export async function runScaleBench(): Promise<Row[]> {
  const started = performance.now();
  const matches = await runScaleMatches();
  note(`scale: matches done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const reports = await runScaleReport();
  note(`scale: reports done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const feeds = await runScaleFeeds();
  console.log(growthTable(matches.figures, matches.rss, matches.warmUp, reports));
  return [...matchRows(matches.figures), ...reportRows(reports), ...feedRows(feeds)];
}

/** The growth table as Markdown, for the README as it is printed. */
function growthTable(
  figures: SizeFigures[],
  rss: Map<number, number>,
  warmUp: Map<number, number>,
  reports: ReportFigures[],
): string {
  const p95 = (l: Latency | undefined) => (l ? `${l.p95.toFixed(0)} ms` : '—');
  const at = (experts: number, distribution: SizeFigures['distribution']) =>
    figures.find((f) => f.experts === experts && f.distribution === distribution);
  const row = (label: string, cell: (experts: number) => string) =>
    `| ${label} | ${SIZES.map(cell).join(' | ')} |`;
  const loads = figures.map((f) => f.load.toFixed(1));
  const lines = [
    `| experts | ${SIZES.map((s) => s.toLocaleString('en')).join(' | ')} |`,
    `|---|${SIZES.map(() => '---').join('|')}|`,
    row('eligible experts, national', (s) => String(at(s, 'national')?.candidates ?? '—')),
    row('matches p95, national', (s) => p95(at(s, 'national')?.matches)),
    row('slots p95, national', (s) => p95(at(s, 'national')?.slots)),
    row('eligible experts, worst case', (s) => String(at(s, 'worst')?.candidates ?? '—')),
    row('matches p95, worst case', (s) => p95(at(s, 'worst')?.matches)),
    row('slots p95, worst case', (s) => p95(at(s, 'worst')?.slots)),
    row('same answers as the oracle', (s) =>
      ['national', 'worst']
        .map((d) => at(s, d as SizeFigures['distribution'])?.exact.split(' ')[0] ?? '—')
        .join(', '),
    ),
    row(
      'calendars read as the server starts',
      (s) => `${(warmUp.get(s) ?? Number.NaN).toFixed(1)} s`,
    ),
    row('server peak RSS', (s) => `${(rss.get(s) ?? Number.NaN).toFixed(0)} MiB`),
    '',
    `| visits | ${reports.map((r) => r.visits.toLocaleString('en')).join(' | ')} |`,
    `|---|${reports.map(() => '---').join('|')}|`,
    `| utilisation JSON p95 | ${reports.map((r) => p95(r.json)).join(' | ')} |`,
    `| utilisation CSV p95 | ${reports.map((r) => p95(r.csv)).join(' | ')} |`,
    `| outcome report JSON p95 | ${reports.map((r) => p95(r.outcomes)).join(' | ')} |`,
    `| payments report JSON p95 (a month) | ${reports.map((r) => p95(r.payments)).join(' | ')} |`,
    `| JSON p95 just after a change to its year | ${reports.map((r) => p95(r.cold)).join(' | ')} |`,
    `| server peak RSS | ${reports.map((r) => `${r.rss.toFixed(0)} MiB`).join(' | ')} |`,
    '',
    `1-minute load average while measured: matches ${loads.join(', ')}; reports ${reports
      .map((r) => r.load.toFixed(1))
      .join(', ')}`,
  ];
  return `\n${lines.join('\n')}\n`;
}

runIfMain(import.meta.url, runScaleBench);
