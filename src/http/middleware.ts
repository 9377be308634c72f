import type { Context, MiddlewareHandler } from 'hono';
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
    // On the response's own headers: c.header() after the handler copies the finished
    // response into a streamed one, which costs a GET a tenth of its CPU on Node.
    c.res.headers.set('X-Request-Id', requestId);
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

// The same test @hono/zod-openapi applies to a route's declared `application/json` body: a
// looser one here would let a type through that the route then refuses with a bare 415
// HTTPException, which the error handler does not know and would turn into a 500.
const JSON_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/**
 * A body sent to the JSON API must say it is JSON (415 otherwise). The body itself is looked
 * at, not Content-Length, which a chunked or in-process request does not carry.
 */
export const requireJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (['POST', 'PUT', 'PATCH'].includes(c.req.method)) {
    const type = c.req.header('content-type');
    if (type ? !JSON_TYPE.test(type) : await hasBody(c)) {
      throw new ApiError('unsupported-media-type', 'Send the body as application/json');
    }
    // Many clients send Content-Type: application/json with no body on a bare POST (a cancel);
    // read that as an empty object rather than as malformed JSON.
    if (type && !(await hasBody(c))) c.req.bodyCache.json = Promise.resolve({});
  }
  await next();
};

async function hasBody(c: Context<AppEnv>): Promise<boolean> {
  if (c.req.raw.body === null) return false;
  // HonoRequest caches what it reads, so the validator parses these same bytes later.
  return (await c.req.arrayBuffer()).byteLength > 0;
}
