/**
 * One line of the bench table. `value` and `ratio` are already formatted; `met` is whether
 * the figure meets its target (absent when there is none). report.ts and the feeds bench
 * return the same shape.
 */
export type Row = { figure: string; value: string; target?: string; ratio?: string; met?: boolean };

export const ms = (x: number) => `${x.toFixed(1)} ms`;
export const perSecond = (x: number, unit = 'req') => `${x.toFixed(0)} ${unit}/s`;
export const times = (x: number) => `${x.toFixed(2)}×`;

export function printTable(rows: readonly Row[]): void {
  const header = ['figure', 'value', 'target', 'ratio to floor'];
  const cells = rows.map((r) => [
    r.figure,
    r.value,
    r.target ? `${r.target}${r.met === undefined ? '' : r.met ? '  met' : '  MISSED'}` : '',
    r.ratio ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => width(c[i] ?? ''))));
  const line = (c: string[]) => c.map((s, i) => pad(s, widths[i] ?? 0)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const c of cells) console.log(line(c));
}

// East Asian wide characters take two columns in a terminal.
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}
