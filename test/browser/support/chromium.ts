import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

// Debian's Chromium, which .ci/run installs with apt; playwright-core only drives it.
const EXECUTABLE = process.env.HAKEN_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Screenshots of every page land here (git-ignored), for a person to look at. */
export const ARTIFACTS = fileURLToPath(
  new URL('../../../test-artifacts/browser/', import.meta.url),
);

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 812 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: EXECUTABLE, args: ARGS });
}

/** A fresh page (its own cookies) at desktop size; datetime fields in the en-US field order. */
export async function newPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: DESKTOP, locale: 'en-US' });
  return context.newPage();
}

/** The page as it is, full length, at desktop and phone widths. */
export async function screenshot(page: Page, name: string) {
  await mkdir(ARTIFACTS, { recursive: true });
  for (const [label, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${ARTIFACTS}${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

/** Presses Tab until the focus is on `selector`: proof that it is reachable by keyboard. */
export async function tabTo(page: Page, selector: string, maxPresses = 60) {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if ((await page.locator(`${selector}:focus`).count()) > 0) return;
  }
  throw new Error(`${selector} was not reached with ${maxPresses} presses of Tab`);
}

/**
 * Types a Japan-time date and time into the focused datetime-local field key by key, in
 * Chromium's en-US segment order (month, day, year, hour, minute, AM/PM). The form's min and
 * max make the year four digits, so each segment moves on to the next by itself.
 */
export async function typeDateTime(page: Page, value: string) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) throw new Error(`not a datetime-local value: ${value}`);
  const [, year, month, day, hour, minute] = match as unknown as string[];
  const h = Number(hour);
  const twelve = String(h % 12 === 0 ? 12 : h % 12).padStart(2, '0');
  await page.keyboard.type(`${month}${day}${year}${twelve}${minute}${h < 12 ? 'A' : 'P'}`);
}
