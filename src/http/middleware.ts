import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';
import type { Log } from './log.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Echoes a sane incoming X-Request-Id or makes one, and logs each request once. */
export function requestLog(log: Log): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    const status = c.res.status;
    log(status >= 500 ? 'error' : 'info', 'request', {
      requestId,
      method: c.req.method,
      // The pattern, not the path: a feed URL carries its secret token in the path.
      route: routePath(c),
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/** A body sent to the JSON API must say it is JSON (415 otherwise). */
export const requireJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const hasBody =
    c.req.header('transfer-encoding') !== undefined ||
    Number(c.req.header('content-length') ?? '0') > 0;
  if (hasBody && ['POST', 'PUT', 'PATCH'].includes(c.req.method)) {
    const type = c.req.header('content-type') ?? '';
    if (!JSON_TYPE.test(type)) {
      throw new ApiError('unsupported-media-type', 'Send the body as application/json');
    }
  }
  await next();
};
