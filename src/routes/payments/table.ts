import type { Cell } from '../../domain/report.ts';
import type { PaymentReport } from './schema.ts';

/** A month's payments as a table with Japanese headings, for the CSV download. */
export function paymentTable(report: PaymentReport): { header: string[]; rows: Cell[][] } {
  return {
    header: [
      '支払月',
      '専門家ID',
      '専門家',
      '謝金対象外',
      '口座登録',
      '確認済み訪問数',
      '謝金対象時間',
      '謝金(円)',
      '旅費(円)',
      '源泉徴収税額(円)',
      '差引支払額(円)',
      '支払済み(円)',
      '未払い(円)',
    ],
    rows: report.experts.map((e) => [
      report.month,
      e.expertId,
      e.name,
      e.feeExempt ? '○' : '',
      e.hasBankAccount ? '○' : '',
      e.confirmedVisits,
      e.billableHours,
      e.feeYen,
      e.travelYen,
      e.withholdingYen,
      e.netYen,
      e.paidNetYen,
      e.dueNetYen,
    ]),
  };
}
