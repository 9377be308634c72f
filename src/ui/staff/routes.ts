import type { Hono } from 'hono';
import type { UiEnv } from '../context.ts';
import { registerExpertPages } from './experts.tsx';
import { registerMoneyPages } from './money-routes.ts';
import { registerNotificationsPage } from './notifications-page.tsx';
import { registerOutcomeStaffPages } from './outcome-routes.ts';
import { registerQueue } from './queue.tsx';
import { registerReportPages } from './reports-page.tsx';
import { registerRequestPage } from './request-page.tsx';
import { registerSignIn } from './sign-in.tsx';
import { registerVisitActions } from './visit-panel.tsx';

/** The programme office's pages under /staff, behind a signed-in session. */
export function registerStaffPages(ui: Hono<UiEnv>) {
  registerSignIn(ui);
  registerQueue(ui);
  registerRequestPage(ui);
  registerVisitActions(ui);
  registerExpertPages(ui);
  registerNotificationsPage(ui);
  registerReportPages(ui);
  registerMoneyPages(ui);
  registerOutcomeStaffPages(ui);
}
