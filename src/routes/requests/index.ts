import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { registerAccessToken } from './access-token.ts';
import { registerApply } from './apply.ts';
import { registerCancel } from './cancel.ts';
import { registerMatches } from './matches.ts';
import { registerRead } from './read.ts';
import { registerReview } from './review.ts';

export function registerRequests(app: OpenAPIHono<AppEnv>) {
  registerApply(app);
  registerRead(app);
  registerReview(app);
  registerCancel(app);
  registerMatches(app);
  registerAccessToken(app);
}
