import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { registerExpertClaims } from './expert.ts';
import { registerReceipts } from './receipts.ts';
import { registerStaffClaims } from './staff.ts';

export function registerTravelClaims(app: OpenAPIHono<AppEnv>) {
  registerExpertClaims(app);
  registerStaffClaims(app);
  registerReceipts(app);
}
