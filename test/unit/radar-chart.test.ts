import { describe, expect, it } from 'vitest';
import type { StepValues } from '../../src/domain/readiness.ts';
import { stepCodes } from '../../src/domain/topics.ts';
import { stylesheet } from '../../src/ui/assets/stylesheet.ts';
import { en } from '../../src/ui/i18n/en.ts';
import { ja } from '../../src/ui/i18n/ja.ts';
import type { Strings } from '../../src/ui/i18n/strings.ts';
import { RadarChart } from '../../src/ui/radar-chart.tsx';

type Props = { before: StepValues | null; after: StepValues | null; t?: Strings };

async function render({ before, after, t = ja }: Props): Promise<string> {
  return (await RadarChart({
    t,
    id: 'readiness',
    title: '準備度',
    before,
    after,
  }).toString()) as string;
}

function values(...levels: number[]): StepValues {
  return Object.fromEntries(stepCodes.map((step, i) => [step, levels[i]])) as StepValues;
}

const before = values(1, 0, 2, 0, 1, 0, 3, 2, 1); // total 10
const after = values(3, 2, 3, 1, 2, 2, 3, 3, 2); // total 21

type Point = { x: number; y: number };

const attribute = (tag: string, name: string) => {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  if (!match) throw new Error(`no ${name} in ${tag}`);
  return match[1] as string;
};

const tags = (html: string, pattern: RegExp) => html.match(pattern) ?? [];

function parsePoints(points: string): Point[] {
  return points.split(' ').map((pair) => {
    const [x, y] = pair.split(',').map(Number) as [number, number];
    return { x, y };
  });
}

/** The axes as drawn: each step's spoke from the centre to the tip of level 3. */
function spokes(html: string) {
  return tags(html, /<line class="spoke"[^>]*>/g).map((tag) => ({
    step: attribute(tag, 'data-step'),
    centre: { x: Number(attribute(tag, 'x1')), y: Number(attribute(tag, 'y1')) },
    tip: { x: Number(attribute(tag, 'x2')), y: Number(attribute(tag, 'y2')) },
  }));
}

function polygonOf(html: string, phase: 'before' | 'after'): Point[] | null {
  const tag = new RegExp(`<polygon class="phase ${phase}"[^>]*>`).exec(html)?.[0];
  return tag ? parsePoints(attribute(tag, 'points')) : null;
}

/** Text of each cell of the table row of `step`, its inner tags dropped. */
function row(html: string, step: string): string[] {
  const tr = new RegExp(`<tr data-step="${step}">(.*?)</tr>`).exec(html)?.[1] ?? '';
  return [...tr.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((m) =>
    (m[1] as string).replace(/<[^>]*>/g, ''),
  );
}

describe('RadarChart geometry', () => {
  it('draws the nine axes clockwise from the top, 40° apart, all the same length', async () => {
    const axes = spokes(await render({ before, after }));
    expect(axes.map((a) => a.step)).toEqual([...stepCodes]);
    const centre = axes[0]?.centre as Point;
    const length = Math.hypot((axes[0]?.tip.x ?? 0) - centre.x, (axes[0]?.tip.y ?? 0) - centre.y);
    expect(length).toBeGreaterThan(50);
    axes.forEach((axis, i) => {
      expect(axis.centre).toEqual(centre);
      const dx = axis.tip.x - centre.x;
      const dy = axis.tip.y - centre.y;
      expect(Math.hypot(dx, dy)).toBeCloseTo(length, 1);
      // Screen y grows downwards, so clockwise from the top is the angle -90° + 40° i.
      const angle = ((-90 + 40 * i) * Math.PI) / 180;
      expect(dx / length, axis.step).toBeCloseTo(Math.cos(angle), 3);
      expect(dy / length, axis.step).toBeCloseTo(Math.sin(angle), 3);
    });
  });

  it('puts each phase’s point at level ÷ 3 of its own step’s axis', async () => {
    const html = await render({ before, after });
    const axes = spokes(html);
    for (const [phase, levels] of [
      ['before', before],
      ['after', after],
    ] as const) {
      const points = polygonOf(html, phase);
      expect(points, phase).toHaveLength(9);
      axes.forEach((axis, i) => {
        const level = levels[axis.step as keyof StepValues];
        const expected = {
          x: axis.centre.x + ((axis.tip.x - axis.centre.x) * level) / 3,
          y: axis.centre.y + ((axis.tip.y - axis.centre.y) * level) / 3,
        };
        expect(points?.[i]?.x, `${phase} ${axis.step}`).toBeCloseTo(expected.x, 1);
        expect(points?.[i]?.y, `${phase} ${axis.step}`).toBeCloseTo(expected.y, 1);
      });
    }
  });

  it('draws a mean between levels at its fractional radius', async () => {
    const html = await render({ before: null, after: values(1.33, 0, 0, 0, 0, 0, 0, 0, 2.5) });
    const [identify, , , , , , , , electronic] = spokes(html);
    const points = polygonOf(html, 'after') as Point[];
    const radius = (p: Point | undefined) =>
      Math.hypot((p?.x ?? 0) - (identify?.centre.x ?? 0), (p?.y ?? 0) - (identify?.centre.y ?? 0));
    const full = radius(identify?.tip);
    expect(radius(points[0])).toBeCloseTo((full * 1.33) / 3, 1);
    expect(radius(points[8])).toBeCloseTo((full * 2.5) / 3, 1);
    expect(radius(points[1])).toBeCloseTo(0, 5);
    expect(electronic?.step).toBe('electronic');
  });

  it('draws the three level rings around the same centre', async () => {
    const html = await render({ before, after });
    const rings = tags(html, /<polygon class="ring"[^>]*>/g);
    expect(rings.map((r) => attribute(r, 'data-level'))).toEqual(['1', '2', '3']);
    const outer = parsePoints(attribute(rings[2] as string, 'points'));
    expect(outer).toEqual(spokes(html).map((s) => s.tip));
  });
});

describe('RadarChart without colour alone', () => {
  it('tells the phases apart by line style class and marker shape, with a legend', async () => {
    const html = await render({ before, after });
    const beforeGroup = /<g data-phase="before">(.*?)<\/g>/.exec(html)?.[1] ?? '';
    const afterGroup = /<g data-phase="after">(.*?)<\/g>/.exec(html)?.[1] ?? '';
    expect(tags(beforeGroup, /<rect class="marker before"/g)).toHaveLength(9);
    expect(tags(afterGroup, /<circle class="marker after"/g)).toHaveLength(9);
    expect(stylesheet).toMatch(/\.radar \.phase\.before \{[^}]*stroke-dasharray/);
    expect(stylesheet).not.toMatch(/\.radar \.phase\.after \{[^}]*stroke-dasharray/);
    const legend = /<ul class="radar-legend">(.*?)<\/ul>/.exec(html)?.[1] ?? '';
    expect(legend).toContain('派遣前');
    expect(legend).toContain('派遣後');
    expect(tags(legend, /<svg class="swatch"[^>]*aria-hidden="true"/g)).toHaveLength(2);
  });
});

describe('RadarChart accessibility', () => {
  it('is one labelled image, its title and summary inside the SVG', async () => {
    const html = await render({ before, after });
    const svg = /<svg class="plot"[^>]*>/.exec(html)?.[0] as string;
    expect(attribute(svg, 'role')).toBe('img');
    expect(attribute(svg, 'aria-labelledby')).toBe('readiness-title readiness-desc');
    expect(html).toContain('<title id="readiness-title">準備度</title>');
    expect(html).toContain(
      '<desc id="readiness-desc">9つのステップそれぞれの準備度（0〜3）。合計（27点満点）は派遣前 10、派遣後 21。各ステップの値は表のとおりです。</desc>',
    );
  });

  it('lists every step with its before and after levels in the table', async () => {
    const html = await render({ before, after });
    expect(row(html, 'identify')).toEqual(['守る情報の決定', '1 検討中', '3 実施済']);
    expect(row(html, 'classify')).toEqual(['守る情報の識別・対策整理', '0 未着手', '2 一部実施']);
    expect(row(html, 'electronic')).toEqual([
      'ID等設定による電子情報の管理',
      '1 検討中',
      '2 一部実施',
    ]);
    expect(html).toContain('<td class="num">2 <span class="level">一部実施</span></td>');
    for (const step of stepCodes) expect(row(html, step), step).toHaveLength(3);
    expect(html).toMatch(
      /<tr class="total"><th scope="row">合計（27点満点）<\/th><td class="num">10<\/td><td class="num">21<\/td><\/tr>/,
    );
    expect(html).toContain('準備度の段階：0 未着手 · 1 検討中 · 2 一部実施 · 3 実施済');
  });

  it('shows means to two decimals, whole ones too, without level names', async () => {
    const html = await render({ before: null, after: values(1.33, 0.5, 3, 3, 3, 3, 3, 3, 3) });
    expect(row(html, 'identify').slice(1)).toEqual(['未回答', '1.33']);
    expect(row(html, 'classify').slice(1)).toEqual(['未回答', '0.50']);
    expect(row(html, 'manager').slice(1)).toEqual(['未回答', '3.00']);
    expect(html).toContain('<td class="num">22.83</td>');
  });

  it('speaks English with English strings', async () => {
    const html = await render({ before, after, t: en });
    expect(row(html, 'identify')).toEqual([
      'Decide which information to protect',
      '1 Under consideration',
      '3 In place',
    ]);
    expect(html).toContain('>Electronic</text>');
    expect(html).toContain('Total out of 27: 10 before the visits, 21 after.');
  });
});

describe('RadarChart with a phase missing', () => {
  it('draws only the after polygon when there is no before answer', async () => {
    const html = await render({ before: null, after });
    expect(polygonOf(html, 'before')).toBeNull();
    expect(polygonOf(html, 'after')).toHaveLength(9);
    for (const step of stepCodes) expect(row(html, step)[1], step).toBe('未回答');
    expect(html).toContain('派遣前 未回答、派遣後 21');
    const legend = /<ul class="radar-legend">(.*?)<\/ul>/.exec(html)?.[1] ?? '';
    expect(legend).not.toContain('派遣前');
  });

  it('draws only the before polygon while the after answer is awaited', async () => {
    const html = await render({ before, after: null });
    expect(polygonOf(html, 'before')).toHaveLength(9);
    expect(polygonOf(html, 'after')).toBeNull();
    for (const step of stepCodes) expect(row(html, step)[2], step).toBe('未回答');
  });

  it('draws the empty axes and a table of blanks with neither', async () => {
    const html = await render({ before: null, after: null });
    expect(spokes(html)).toHaveLength(9);
    expect(html).not.toContain('class="phase');
    expect(html).not.toContain('radar-legend');
    for (const step of stepCodes)
      expect(row(html, step).slice(1), step).toEqual(['未回答', '未回答']);
  });
});

describe('RadarChart markup', () => {
  it('is the same on every render, with no inline style or script (CSP)', async () => {
    const html = await render({ before, after });
    expect(await render({ before, after })).toBe(html);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/<style|<script|\son[a-z]+=/i);
  });

  it('scales to its container: a viewBox, no fixed size, width 100% in the stylesheet', async () => {
    const svg = /<svg class="plot"[^>]*>/.exec(await render({ before, after }))?.[0] as string;
    expect(attribute(svg, 'viewBox')).toMatch(/^0 0 \d+ \d+$/);
    expect(svg).not.toMatch(/\s(width|height)=/);
    expect(stylesheet).toMatch(/\.radar svg\.plot \{[^}]*width: 100%/);
    expect(stylesheet).not.toMatch(/\.radar svg\.plot \{[^}]*min-width/);
  });

  it('styles every class it draws with', async () => {
    const html = await render({ before, after });
    const classes = new Set(
      [...html.matchAll(/class="([^"]*)"/g)].flatMap((m) => (m[1] as string).split(' ')),
    );
    for (const name of classes) {
      expect(stylesheet, name).toMatch(new RegExp(`\\.${name}\\b`));
    }
  });

  it('refuses a value outside 0–3 rather than draw it off the chart', async () => {
    await expect(render({ before: values(1, 0, 2, 0, 1, 0, 4, 2, 1), after })).rejects.toThrow(
      /before\.access/,
    );
    await expect(
      render({ before, after: values(1, 0, 2, 0, 1, 0, Number.NaN, 2, 1) }),
    ).rejects.toThrow(RangeError);
  });
});
