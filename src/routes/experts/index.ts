import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { registerAvailability } from './availability.ts';
import { registerExpertCrud } from './crud.ts';

export function registerExperts(app: OpenAPIHono<AppEnv>) {
  registerExpertCrud(app);
  registerAvailability(app);
}
