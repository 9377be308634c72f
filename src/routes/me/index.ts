import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { bearer, commonErrors, jsonResponse } from '../../http/schemas.ts';
import { meAvailabilityRoute, putAvailability } from '../experts/availability.ts';
import { expertById, loadExperts } from '../experts/queries.ts';
import { ExpertSchema } from '../experts/schema.ts';

const meRoute = createRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['me'],
  summary: 'Your own expert profile with availability (expert)',
  security: bearer('expert'),
  responses: { 200: jsonResponse('Your profile', ExpertSchema), ...commonErrors },
});

export function registerMe(app: OpenAPIHono<AppEnv>) {
  app.openapi(meRoute, async (c) => {
    const { expertId } = requireRole(c, 'expert');
    const { db } = c.get('deps');
    const [body] = await loadExperts(db, [await expertById(db, expertId)]);
    return c.json(body as typeof ExpertSchema._output, 200);
  });

  app.openapi(meAvailabilityRoute, async (c) => {
    const { expertId } = requireRole(c, 'expert');
    return c.json(await putAvailability(c, expertId, c.req.valid('json')), 200);
  });
}
