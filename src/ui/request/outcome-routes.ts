import type { Hono } from 'hono';
import type { UiEnv } from '../context.ts';
import { registerReadinessPage } from './readiness-page.tsx';
import { registerSurveyPage } from './survey-page.tsx';

/** The company's outcome pages: the survey of a visit, and readiness before and after. */
export function registerOutcomePages(ui: Hono<UiEnv>) {
  registerSurveyPage(ui);
  registerReadinessPage(ui);
}
