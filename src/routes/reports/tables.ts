import { type Cell, round, textTable } from '../../domain/report.ts';
import { industry, prefecture } from '../../domain/taxonomy.ts';
import { tokyoDate } from '../../domain/time.ts';
import type { CompanyVisits } from './queries.ts';
import type { Breakdown, UsageReport, UtilisationReport } from './schema.ts';

/** One breakdown as a table with Japanese headings: the CSV download and the CLI print it. */
export type Table = { title: string; header: string[]; rows: Cell[][] };

const titles: Record<Breakdown, string> = {
  month: '月別',
  industry: '業種別',
  prefecture: '都道府県別',
  expert: '専門家別',
  topic: '相談テーマ別',
  format: '実施形態別',
  company: '派遣先企業別',
};

export function breakdownTable(
  report: UtilisationReport,
  breakdown: Exclude<Breakdown, 'company'>,
): Table {
  const title = titles[breakdown];
  switch (breakdown) {
    case 'month':
      return {
        title,
        header: ['月', '派遣回数'],
        rows: report.byMonth.map((m) => [m.month, m.visits]),
      };
    case 'industry':
      return {
        title,
        header: ['業種コード', '業種', '派遣回数'],
        rows: report.byIndustry.map((i) => [i.code, i.name.ja, i.visits]),
      };
    case 'prefecture':
      return {
        title,
        header: ['都道府県コード', '都道府県', '派遣回数'],
        rows: report.byPrefecture.map((p) => [p.code, p.name.ja, p.visits]),
      };
    case 'expert':
      return {
        title,
        // The page's headings (bookedHours and the rest in src/ui/i18n/ja.ts), units included.
        header: [
          '専門家ID',
          '専門家',
          '派遣回数',
          '派遣時間（時間）',
          '稼働可能時間（時間）',
          '稼働率（%）',
        ],
        rows: report.byExpert.map((e) => [
          e.expertId,
          e.name,
          e.visits,
          e.hours,
          e.availableHours,
          e.utilisation === null ? null : round(e.utilisation * 100, 1),
        ]),
      };
    case 'topic':
      return {
        title,
        header: ['相談テーマコード', '相談テーマ', '派遣回数'],
        rows: report.byTopic.map((t) => [t.code, t.name.ja, t.visits]),
      };
    case 'format':
      return {
        title,
        header: ['実施形態コード', '実施形態', '派遣回数'],
        rows: report.byFormat.map((f) => [f.format, f.name.ja, f.visits]),
      };
  }
}

export function companyTable(companies: readonly CompanyVisits[]): Table {
  return {
    title: titles.company,
    header: [
      '法人番号',
      '企業名',
      '業種コード',
      '業種',
      '都道府県',
      '中小企業',
      '派遣回数',
      '初回派遣日',
    ],
    rows: companies.map((c) => [
      c.corporateNumber,
      c.name,
      c.industryCode,
      industry(c.industryCode)?.name.ja ?? null,
      prefecture(c.prefectureCode)?.name.ja ?? c.prefectureCode,
      c.isSme ? '○' : '',
      c.visits,
      c.firstVisit,
    ]),
  };
}

export function usageTable(report: UsageReport): Table {
  return {
    title: '年度別',
    header: ['年度', '和暦', '派遣回数'],
    rows: report.years.map((y) => [y.fiscalYear, y.label, y.visits]),
  };
}

/** Content-Disposition with an ASCII name and the Japanese one (RFC 6266, RFC 8187). */
export function attachment(asciiName: string, japaneseName: string): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(japaneseName)}`;
}

export function breakdownTitle(breakdown: Breakdown): string {
  return titles[breakdown];
}

/** The whole report as text for a terminal (`npm run cli -- report`): a summary, then each breakdown. */
export function reportText(report: UtilisationReport): string {
  const lastDay = tokyoDate(Date.parse(report.period.end) - 1);
  const percent = (share: number | null) => (share === null ? null : `${round(share * 100, 1)}%`);
  const summary: Table = {
    title: `${report.label}（FY${report.fiscalYear}） ${tokyoDate(Date.parse(report.period.start))} – ${lastDay}`,
    header: ['項目', '値'],
    rows: [
      ['派遣回数（延べ）', report.visits],
      ['派遣先企業数', report.uniqueCompanies],
      ['うち中小企業への派遣', report.smeVisits],
      ['中小企業の割合', percent(report.smeShare)],
      ['予定（報告前）', report.scheduled],
      ['キャンセル', report.cancelled],
      ['不在（no-show）', report.noShows],
      ['申込から派遣までの日数（中央値）', report.leadTimeDays],
    ],
  };
  const nonZero = (table: Table) => ({
    ...table,
    rows: table.rows.filter((row) => row.at(-1) !== 0),
  });
  const tables = [
    summary,
    breakdownTable(report, 'month'),
    nonZero(breakdownTable(report, 'industry')),
    nonZero(breakdownTable(report, 'prefecture')),
    breakdownTable(report, 'format'),
    breakdownTable(report, 'topic'),
    {
      ...breakdownTable(report, 'expert'),
      header: breakdownTable(report, 'expert').header.slice(1),
      rows: breakdownTable(report, 'expert').rows.map((row) => row.slice(1)),
    },
  ];
  return tables.map((t) => `${t.title}\n${textTable(t.header, t.rows)}`).join('\n\n');
}
