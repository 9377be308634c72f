import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { registerOutcomeReport } from './outcomes/index.ts';
import { registerUsage } from './usage.ts';
import { registerUtilisation } from './utilisation.ts';

export function registerReports(app: OpenAPIHono<AppEnv>) {
  registerUtilisation(app);
  registerUsage(app);
  registerOutcomeReport(app);
}
