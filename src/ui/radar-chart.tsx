import {
  isReadinessLevel,
  MAX_READINESS_LEVEL,
  MAX_READINESS_TOTAL,
  type ReadinessPhase,
  readinessLevelNames,
  readinessLevels,
  readinessPhases,
  readinessTotal,
  type StepValues,
} from '../domain/readiness.ts';
import { round } from '../domain/report.ts';
import { type StepCode, stepCodes } from '../domain/topics.ts';
import { named, type Strings } from './i18n/strings.ts';
import { topicName } from './request-facts.tsx';

// Sized so that the axis labels, drawn at 17 units, are still about 12 px on a 375 px phone,
// with room beside the side axes for six-character Japanese labels.
const WIDTH = 440;
const HEIGHT = 256;
const CENTRE = { x: 220, y: 130 };
const RADIUS = 95;
const LABEL_GAP = 10;
const MARKER = 4;

type Point = { x: number; y: number };

// Two decimals are finer than a pixel at any width and keep the markup short.
const coordinate = (n: number) => String(Number(n.toFixed(2)));
const pointsOf = (points: Point[]) =>
  points.map((p) => `${coordinate(p.x)},${coordinate(p.y)}`).join(' ');

/** The point `value` (0–3) along axis `index`: the first straight up, then clockwise. */
function pointAt(index: number, value: number): Point {
  const angle = -Math.PI / 2 + (index * 2 * Math.PI) / stepCodes.length;
  const r = (RADIUS * value) / MAX_READINESS_LEVEL;
  return { x: CENTRE.x + r * Math.cos(angle), y: CENTRE.y + r * Math.sin(angle) };
}

function checked(phase: ReadinessPhase, values: StepValues | null): StepValues | null {
  for (const step of stepCodes) {
    const value = values?.[step];
    if (values && !(typeof value === 'number' && value >= 0 && value <= MAX_READINESS_LEVEL)) {
      throw new RangeError(`readiness ${phase}.${step} is not 0–${MAX_READINESS_LEVEL}: ${value}`);
    }
  }
  return values;
}

/** A company's answer, as opposed to means over companies. */
const isLevels = (values: StepValues | null) =>
  values !== null && stepCodes.every((step) => isReadinessLevel(values[step]));

/**
 * One phase's value of a step in the table: a company's level with its name (on a line of its
 * own, so the columns stay narrow on a phone), or a mean to two decimals.
 */
function Cell({ t, values, step }: { t: Strings; values: StepValues | null; step: StepCode }) {
  if (!values) return <td class="num">{t.readiness.notAnswered}</td>;
  const value = values[step];
  if (!isLevels(values) || !isReadinessLevel(value)) {
    return <td class="num">{value.toFixed(2)}</td>;
  }
  return (
    <td class="num">
      {value} <span class="level">{named(t, readinessLevelNames[value])}</span>
    </td>
  );
}

const totalOf = (t: Strings, values: StepValues | null) =>
  values ? String(round(readinessTotal(values), 2)) : t.readiness.notAnswered;

/** Where an axis label sits: beyond the axis tip, anchored away from the centre. */
function AxisLabel({ index, text }: { index: number; text: string }) {
  const tip = pointAt(index, MAX_READINESS_LEVEL);
  const dx = tip.x - CENTRE.x;
  const dy = tip.y - CENTRE.y;
  const anchor = dx > RADIUS / 3 ? 'start' : dx < -RADIUS / 3 ? 'end' : 'middle';
  const x = tip.x + Math.sign(Math.round(dx)) * LABEL_GAP;
  // Above the tip at the top, below it at the bottom, level with it at the sides.
  const y = dy < -RADIUS / 2 ? tip.y - LABEL_GAP : dy > RADIUS / 2 ? tip.y + 24 : tip.y + 6;
  return (
    <text x={coordinate(x)} y={coordinate(y)} text-anchor={anchor}>
      {text}
    </text>
  );
}

function Marker({ phase, point }: { phase: ReadinessPhase; point: Point }) {
  return phase === 'before' ? (
    <rect
      class="marker before"
      x={coordinate(point.x - MARKER)}
      y={coordinate(point.y - MARKER)}
      width={MARKER * 2}
      height={MARKER * 2}
    />
  ) : (
    <circle
      class="marker after"
      cx={coordinate(point.x)}
      cy={coordinate(point.y)}
      r={MARKER + 0.5}
    />
  );
}

/** A legend sample: the phase's line style and marker shape, so colour is never the only cue. */
function Swatch({ phase }: { phase: ReadinessPhase }) {
  return (
    <svg class="swatch" viewBox="0 0 40 14" aria-hidden="true" focusable="false">
      <line class={`phase ${phase}`} x1="2" y1="7" x2="38" y2="7" />
      <Marker phase={phase} point={{ x: 20, y: 7 }} />
    </svg>
  );
}

/**
 * Readiness over the nine steps as a radar: `before` dashed with square markers, `after` solid
 * and filled with round ones; either may be missing. Values are levels 0–3, or means over
 * companies. The SVG is one image to assistive technology (title and a summary of the totals);
 * the table beside it is the accessible equivalent, every step with both values.
 */
export function RadarChart({
  t,
  id,
  title,
  before,
  after,
}: {
  t: Strings;
  id: string;
  title: string;
  before: StepValues | null;
  after: StepValues | null;
}) {
  const values = { before: checked('before', before), after: checked('after', after) };
  const drawn = readinessPhases.filter((phase) => values[phase] !== null);
  const rings = Array.from({ length: MAX_READINESS_LEVEL }, (_, i) => i + 1);
  const description = t.readiness.description(
    MAX_READINESS_TOTAL,
    totalOf(t, values.before),
    totalOf(t, values.after),
  );
  const levelKey = readinessLevels
    .map((level) => `${level} ${named(t, readinessLevelNames[level])}`)
    .join(' · ');
  return (
    <figure class="radar" aria-labelledby={`${id}-title`}>
      <div>
        <svg
          class="plot"
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          id={id}
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          {rings.map((level) => (
            <polygon
              class="ring"
              data-level={level}
              points={pointsOf(stepCodes.map((_, i) => pointAt(i, level)))}
            />
          ))}
          {stepCodes.map((step, i) => {
            const tip = pointAt(i, MAX_READINESS_LEVEL);
            return (
              <line
                class="spoke"
                data-step={step}
                x1={coordinate(CENTRE.x)}
                y1={coordinate(CENTRE.y)}
                x2={coordinate(tip.x)}
                y2={coordinate(tip.y)}
              />
            );
          })}
          {rings.map((level) => {
            // Halfway between the first two axes, where no marker sits.
            const at = pointAt(0.5, level);
            return (
              <text class="tick" x={coordinate(at.x)} y={coordinate(at.y + 4)} text-anchor="middle">
                {level}
              </text>
            );
          })}
          {stepCodes.map((step, i) => (
            <AxisLabel index={i} text={t.readiness.axis[step]} />
          ))}
          {drawn.map((phase) => {
            const points = stepCodes.map((step, i) => pointAt(i, values[phase]?.[step] ?? 0));
            return (
              <g data-phase={phase}>
                <polygon class={`phase ${phase}`} points={pointsOf(points)} />
                {points.map((point) => (
                  <Marker phase={phase} point={point} />
                ))}
              </g>
            );
          })}
        </svg>
        {drawn.length > 0 && (
          <ul class="radar-legend">
            {drawn.map((phase) => (
              <li>
                <Swatch phase={phase} />
                {t.readiness[phase]}
              </li>
            ))}
          </ul>
        )}
      </div>
      {/* Scrolls sideways on a phone, so it takes the focus and is named (as report tables). */}
      <section class="table-wrap report" aria-label={title} tabindex={0}>
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t.readiness.step}</th>
              <th scope="col" class="num">
                {t.readiness.before}
              </th>
              <th scope="col" class="num">
                {t.readiness.after}
              </th>
            </tr>
          </thead>
          <tbody>
            {stepCodes.map((step) => (
              <tr data-step={step}>
                <th scope="row">{topicName(t, step)}</th>
                <Cell t={t} values={values.before} step={step} />
                <Cell t={t} values={values.after} step={step} />
              </tr>
            ))}
            <tr class="total">
              <th scope="row">{t.readiness.total(MAX_READINESS_TOTAL)}</th>
              <td class="num">{totalOf(t, values.before)}</td>
              <td class="num">{totalOf(t, values.after)}</td>
            </tr>
          </tbody>
        </table>
        <p class="radar-key">{t.readiness.levelKey(levelKey)}</p>
      </section>
    </figure>
  );
}
