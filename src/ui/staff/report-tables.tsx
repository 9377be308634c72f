import type { UtilisationReport } from '../../routes/reports/schema.ts';
import { formatShare } from '../format.ts';
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
    <div class="table-wrap">
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
    </div>
  );
}

export const namedRows = (
  t: Strings,
  items: { code: string; name: { ja: string; en: string }; visits: number }[],
) => items.map((item) => ({ name: named(t, item.name), visits: item.visits }));

export function ExpertTable({ t, rows }: { t: Strings; rows: UtilisationReport['byExpert'] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{t.byExpert}</caption>
        <thead>
          <tr>
            <th scope="col">{t.name}</th>
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
              <td class="num">{formatShare(t, r.utilisation)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
