import type { Hono } from 'hono';
import type { UiEnv } from '../context.ts';
import { registerFeesPage } from './fees-page.tsx';
import { registerPaymentPages } from './payments-page.tsx';
import { registerTravelClaimPages } from './travel-claims-page.tsx';

/** The office's money pages: rates and budget, travel claims, payments. */
export function registerMoneyPages(ui: Hono<UiEnv>) {
  registerFeesPage(ui);
  registerTravelClaimPages(ui);
  registerPaymentPages(ui);
}
