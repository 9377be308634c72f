import type { Child } from 'hono/jsx';
import type { UtilisationReport } from '../../routes/reports/schema.ts';
import { named, type Strings } from '../i18n/strings.ts';

type Row = { name: string; visits: number };

/** One breakdown: a name and its visits; items without visits are left out unless kept. */
export function BreakdownTable(props: {
  t: Strings;
  caption: string;
  rows: Row[];
  keepZeros?: boolean;
}) {
  const { t, caption, rows, keepZeros } = props;
  const shown = keepZeros ? rows : rows.filter((r) => r.visits > 0);
  return (
    <ReportTableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.name}</th>
            <th scope="col" class="num">
              {t.visitsColumn}
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr>
              <th scope="row">{r.name}</th>
              <td class="num">{r.visits}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ReportTableWrap>
  );
}

/**
 * The frame of a report table: on a phone a wide table scrolls sideways inside it rather than
 * lose its columns, so it takes the focus (the keyboard scrolls it) and is named for it.
 * Names in its rows keep to one line (.report, in the stylesheet).
 */
export function ReportTableWrap({ label, children }: { label: string; children?: Child }) {
  return (
    <section class="table-wrap report" aria-label={label} tabindex={0}>
      {children}
    </section>
  );
}

export const namedRows = (
  t: Strings,
  items: { code: string; name: { ja: string; en: string }; visits: number }[],
) => items.map((item) => ({ name: named(t, item.name), visits: item.visits }));

// The heading carries the unit (稼働率（%）), as in the CSV: the cell is the number alone.
const percentOf = (share: number | null) => (share === null ? '—' : (share * 100).toFixed(1));

export function ExpertTable({ t, rows }: { t: Strings; rows: UtilisationReport['byExpert'] }) {
  return (
    <ReportTableWrap label={t.byExpert}>
      <table>
        <caption>{t.byExpert}</caption>
        <thead>
          <tr>
            <th scope="col">{t.expertColumn}</th>
            <th scope="col" class="num">
              {t.visitsColumn}
            </th>
            <th scope="col" class="num">
              {t.bookedHours}
            </th>
            <th scope="col" class="num">
              {t.availableHours}
            </th>
            <th scope="col" class="num">
              {t.utilisation}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <th scope="row">{r.name}</th>
              <td class="num">{r.visits}</td>
              <td class="num">{r.hours}</td>
              <td class="num">{r.availableHours}</td>
              <td class="num">{percentOf(r.utilisation)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ReportTableWrap>
  );
}
