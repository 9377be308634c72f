import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { registerIncomingFeeds } from './incoming.ts';
import { registerOutgoingFeed } from './outgoing.ts';

export function registerFeeds(app: OpenAPIHono<AppEnv>) {
  registerOutgoingFeed(app);
  registerIncomingFeeds(app);
}
