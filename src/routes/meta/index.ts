import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { taxonomyDocument } from '../../domain/taxonomy.ts';
import type { AppEnv } from '../../http/context.ts';
import { jsonResponse } from '../../http/schemas.ts';
import { docsPage } from './docs-page.ts';

const HEALTH_TIMEOUT_MS = 2_000;

const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['ok', 'unreachable']),
});

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['meta'],
  summary: 'Liveness and database reachability',
  responses: {
    200: jsonResponse('Up, database reachable', HealthSchema),
    503: jsonResponse('The database is unreachable', HealthSchema),
  },
});

const taxonomy = createRoute({
  method: 'get',
  path: '/v1/taxonomy',
  tags: ['meta'],
  summary: 'Industries (JSIC Rev.14), industry scopes, prefectures and topics, in ja and en',
  responses: { 200: jsonResponse('The taxonomy', z.record(z.string(), z.unknown())) },
});

export function registerMeta(app: OpenAPIHono<AppEnv>) {
  app.openapi(health, async (c) => {
    const { db } = c.get('deps');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reachable = await Promise.race([
      db.execute(sql`select 1`).then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    return reachable
      ? c.json({ status: 'ok' as const, database: 'ok' as const }, 200)
      : c.json({ status: 'degraded' as const, database: 'unreachable' as const }, 503);
  });

  app.openapi(taxonomy, (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json(taxonomyDocument(), 200);
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'STAFF_TOKEN, a token from POST /v1/tokens, or a company accessToken',
  });
  const documentConfig = {
    openapi: '3.1.0',
    info: {
      title: 'haken API',
      version: '1',
      description:
        'Scheduling for METI’s 技術情報管理 専門家派遣事業: applications, matching, booking, calendars, reports.',
    },
  };
  app.doc31('/openapi.json', documentConfig);
  app.get('/docs', (c) => c.html(docsPage(app.getOpenAPI31Document(documentConfig))));
}
