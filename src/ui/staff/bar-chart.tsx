import type { Strings } from '../i18n/strings.ts';

const WIDTH = 600;
const HEIGHT = 280;
const MARGIN = { top: 28, right: 12, bottom: 36, left: 44 };
const TICKS = 5;

export type Bar = { key: string; label: string; value: number; title: string };

/** The smallest "round" step (1, 2, 5 × 10^n) that gives at most TICKS gridlines. */
function niceStep(max: number): number {
  const rough = Math.max(max, 1) / TICKS;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  return Math.max(1, step);
}

/**
 * A bar chart drawn on the server as inline SVG: no script, styled by the stylesheet. It is
 * one image to assistive technology (its title and a description listing every value); the
 * table beside it carries the same numbers.
 */
export function BarChart({
  t,
  id,
  title,
  bars,
}: {
  t: Strings;
  id: string;
  title: string;
  bars: Bar[];
}) {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const step = niceStep(max);
  const top = step * Math.max(1, Math.ceil(max / step));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const band = plotWidth / Math.max(1, bars.length);
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const description = t.chartDescription(bars.map((b) => b.title).join(t.listSeparator));
  return (
    // Focusable: on a phone the figure scrolls sideways rather than shrink the text, and a
    // line under it says so (shown only at widths where it does; a sighted reader's cue).
    <>
      <figure class="chart bars" tabindex={0} aria-labelledby={`${id}-title`}>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          id={id}
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          {ticks.map((tick) => (
            <g>
              <line
                class="grid"
                x1={MARGIN.left}
                x2={WIDTH - MARGIN.right}
                y1={y(tick)}
                y2={y(tick)}
              />
              <text x={MARGIN.left - 8} y={y(tick) + 4} text-anchor="end">
                {tick}
              </text>
            </g>
          ))}
          {bars.map((bar, i) => {
            const x = MARGIN.left + i * band + band * 0.18;
            const width = band * 0.64;
            return (
              <g data-key={bar.key} data-value={bar.value}>
                <rect class="bar" x={x} y={y(bar.value)} width={width} height={y(0) - y(bar.value)}>
                  <title>{bar.title}</title>
                </rect>
                <text class="value" x={x + width / 2} y={y(bar.value) - 6} text-anchor="middle">
                  {bar.value}
                </text>
                <text x={x + width / 2} y={HEIGHT - MARGIN.bottom + 22} text-anchor="middle">
                  {bar.label}
                </text>
              </g>
            );
          })}
          <line class="axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} />
        </svg>
      </figure>
      <p class="scroll-hint" aria-hidden="true">
        {t.chartScrollHint}
      </p>
    </>
  );
}
