import { fiscalYearLabel } from '../domain/time.ts';
import { Notice } from './fields.tsx';
import type { Strings } from './i18n/strings.ts';

/** Said before any slot: the fiscal years the company has no visit left in. */
export function QuotaNote({ t, years, limit }: { t: Strings; years: number[]; limit: number }) {
  if (years.length === 0) return null;
  const named = years.map((fy) => t.fiscalYearOption(fy, fiscalYearLabel(fy)));
  return <Notice>{t.matching.quotaFull(named.join(t.listSeparator), limit)}</Notice>;
}
