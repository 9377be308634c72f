import { z } from '@hono/zod-openapi';
import type { FieldProblem, Parsed } from '../domain/field-problem.ts';
import { ApiError } from './errors.ts';

// Inputs whose rules live in src/domain/ as parsers (survey answers, readiness levels, a
// certification): zod only names the keys, so an unknown one is refused as everywhere else,
// and describes them for /openapi.json; the domain's parser decides, and each problem it finds
// is a 400 naming its field. A rule is written once, in the domain.

// The metadata argument of `.openapi()`, its first overload (the second takes a schema name).
type Doc = ReturnType<typeof z.unknown>['openapi'] extends {
  (metadata: infer M, ...rest: infer _): unknown;
  (refId: string, ...rest: infer _): unknown;
}
  ? M
  : never;

/** A key the domain reads: any JSON here, described for the OpenAPI document as `doc`. */
export const documented = (doc: Doc) => z.unknown().optional().openapi(doc);

const zodPath = (path: string) => (path === '' ? [] : path.split('.'));

/** A zod transform that hands the input to a domain parser and its problems back to zod. */
export function checkedBy<T>(parse: (input: unknown) => Parsed<T>) {
  return (input: unknown, ctx: z.RefinementCtx): T => {
    const parsed = parse(input);
    if (parsed.ok) return parsed.value;
    for (const problem of parsed.problems) {
      ctx.addIssue({ code: 'custom', message: problem.message, path: zodPath(problem.path) });
    }
    return z.NEVER;
  };
}

/** A parse that needs what only the handler knows (the clock): its value, or the 400. */
export function parsedOrInvalid<T>(parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  const errors: FieldProblem[] = parsed.problems.map((p) => ({
    path: p.path || '(body)',
    message: p.message,
  }));
  throw new ApiError(
    'validation-failed',
    errors.map((e) => `${e.path} ${e.message}`).join('; '),
    errors,
  );
}
