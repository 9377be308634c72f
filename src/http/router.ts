import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { AppEnv } from './context.ts';
import { ApiError, type FieldError } from './errors.ts';

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

/** A router whose zod failures all become one 400 problem naming the fields. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldErrors(result.error);
        const where = result.target === 'json' ? 'body' : result.target;
        throw new ApiError(
          'validation-failed',
          `Invalid ${where}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
          errors,
        );
      }
    },
  });
}
