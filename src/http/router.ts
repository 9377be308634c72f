import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ZodError } from 'zod';
import { requireRole } from './auth.ts';
import type { AppEnv, Role } from './context.ts';
import { ApiError, type FieldError, invalid } from './errors.ts';

export function fieldErrors(error: ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    // An unknown key is named itself, so the client sees which field to drop.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: base ? `${base}.${key}` : key,
        message: 'is not a known field',
      }));
    }
    return [{ path: base || '(body)', message: issue.message }];
  });
}

/**
 * Where valid input holds a U+0000, which JSON allows but a Postgres text value cannot store:
 * caught here it is a 400 naming the field, not a database error (500) mid-transaction.
 */
function nulPath(data: unknown): string | undefined {
  const stack: [unknown, string][] = [[data, '']];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, path] = item;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path || '(body)';
    } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      for (const [key, child] of Object.entries(value)) {
        stack.push([child, path ? `${path}.${key}` : key]);
      }
    }
  }
  return undefined;
}

type Validated =
  | { success: true; data: unknown }
  | { success: false; error: ZodError; target: string };

/**
 * What every route does with its validation: on failure one 400 naming every field (with
 * `more`, errors a route finds beyond the schema, so a client hears of all at once); on success
 * a refusal of any U+0000. A route with checks of its own passes a hook that calls this.
 */
export function validated(result: Validated, more: FieldError[] = []): void {
  if (!result.success) {
    const errors = [...fieldErrors(result.error), ...more];
    const where = result.target === 'json' ? 'body' : result.target;
    throw new ApiError(
      'validation-failed',
      `Invalid ${where}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      errors,
    );
  }
  const nul = nulPath(result.data);
  if (nul !== undefined) throw invalid(nul, 'must not contain the NUL character (U+0000)');
}

/** A caller with a token of one of `roles`: none is 401, another role is 403. */
const requireRoles =
  (roles: string[]): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    requireRole(c, ...(roles as Role[]));
    await next();
  };

/**
 * A router whose zod failures all become one 400 problem naming the fields, and whose
 * routes with `security` refuse an anonymous caller (401) and a role they are not for (403)
 * before validating anything: a caller who may not use a route is told so, not how to fix
 * its body.
 */
export function router() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: (result) => validated(result) });
  const register = app.openapi;
  app.openapi = ((route, handler, hook) => {
    if (!route.security?.length) return register(route, handler, hook);
    const roles = route.security.flatMap((requirement) => requirement.bearer ?? []);
    const own = route.middleware === undefined ? [] : [route.middleware].flat();
    return register({ ...route, middleware: [requireRoles(roles), ...own] }, handler, hook);
  }) as typeof app.openapi;
  return app;
}
