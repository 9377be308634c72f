import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { registerDeliveries } from './deliveries.ts';
import { registerWebhookEndpoints } from './endpoints.ts';

/** Webhook endpoints, their deliveries, and the staff view of the whole outbox. */
export function registerWebhooks(app: OpenAPIHono<AppEnv>) {
  registerWebhookEndpoints(app);
  registerDeliveries(app);
}
