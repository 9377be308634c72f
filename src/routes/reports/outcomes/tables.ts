import { type Cell, round } from '../../../domain/report.ts';
import { stepCodes, topics } from '../../../domain/topics.ts';
import type { Table } from '../tables.ts';
import type { OutcomeFigures, OutcomeReport, OutcomeTable } from './schema.ts';

// The outcome report as tables with Japanese headings, for the CSV download.

const titles: Record<OutcomeTable, string> = {
  summary: '成果の概要',
  readiness: '準備度（ステップ別平均）',
  industry: '業種別の成果',
};

export const outcomeTableTitle = (table: OutcomeTable) => titles[table];

const percent = (share: number | null): Cell => (share === null ? null : round(share * 100, 1));

export function outcomeTable(report: OutcomeReport, table: OutcomeTable): Table {
  const title = titles[table];
  switch (table) {
    case 'summary':
      return { title, header: ['項目', '値'], rows: summaryRows(report) };
    case 'readiness':
      return {
        title,
        header: ['ステップコード', 'ステップ', '派遣前（平均）', '派遣後（平均）'],
        rows: stepCodes.map((code) => [
          code,
          topics.find((t) => t.code === code)?.name.ja ?? code,
          report.readiness.before.mean?.[code] ?? null,
          report.readiness.after.mean?.[code] ?? null,
        ]),
      };
    case 'industry':
      return {
        title,
        header: [
          '業種コード',
          '業種',
          '派遣先企業数',
          '派遣回数',
          'アンケート回答数',
          '回答率(%)',
          '満足の割合(%)',
          '解決の割合(%)',
          '準備度を比較できた企業数',
          '準備度が向上した企業数',
          '認証を取得した企業数',
          '初回派遣から認証までの日数（中央値）',
        ],
        rows: report.byIndustry.map((row) => [
          row.code,
          row.name.ja,
          row.companiesServed,
          row.visits,
          row.surveys.responses,
          percent(row.surveys.responseRate),
          percent(row.surveys.satisfiedShare),
          percent(row.surveys.resolvedShare),
          row.readiness.compared,
          row.readiness.rose,
          row.certification.certifiedAfterVisit,
          row.certification.medianDaysToCertification,
        ]),
      };
  }
}

function summaryRows(figures: OutcomeFigures): Cell[][] {
  const { surveys, readiness, certification } = figures;
  return [
    ['派遣先企業数', figures.companiesServed],
    ['派遣回数（延べ）', figures.visits],
    ['アンケート回答数', surveys.responses],
    ['アンケート回答率(%)', percent(surveys.responseRate)],
    ['満足（4・5）の割合(%)', percent(surveys.satisfiedShare)],
    ['課題が解決した割合(%)', percent(surveys.resolvedShare)],
    ['課題が一部解決', surveys.resolved.partly],
    ['課題が未解決', surveys.resolved.no],
    ['追加の派遣を希望', surveys.wantsMore],
    ['準備度（派遣前）の回答企業数', readiness.before.answered],
    ['準備度（派遣後）の回答企業数', readiness.after.answered],
    ['準備度を比較できた企業数', readiness.compared],
    ['準備度が向上した企業数', readiness.rose],
    ['派遣後に認証を取得した企業数', certification.certifiedAfterVisit],
    ['初回派遣から認証までの日数（中央値）', certification.medianDaysToCertification],
  ];
}
