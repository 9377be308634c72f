import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// axe-core, run inside the page as it stands: every rule of WCAG 2.0 A and AA and 2.1 AA.
// A violation fails the test with its rule, impact and the elements it names. The source is
// evaluated rather than added as a script tag: the pages' CSP (script-src 'self') refuses
// inline and foreign scripts, and it should stay as strict under test as in production.
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa'];

type Violation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
};

/** Zero axe violations on the page in its current state; `where` names it in a failure. */
export async function expectAxeClean(page: Page, where: string) {
  // The page's globals, typed here: the project compiles without the DOM library.
  type PageGlobals = {
    axe?: { run: (context: unknown, options: unknown) => Promise<{ violations: Violation[] }> };
    document: unknown;
  };
  const loaded = await page.evaluate(
    () => (globalThis as unknown as PageGlobals).axe !== undefined,
  );
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const { axe, document } = globalThis as unknown as Required<PageGlobals>;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations;
  }, TAGS);
  const readable = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .map((n) => `    ${n.target.join(' ')} — ${n.failureSummary ?? ''}`)
        .join('\n')}`,
  );
  expect(readable, `axe on ${where}`).toEqual([]);
}
