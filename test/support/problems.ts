import { expect } from 'vitest';
import type { Reply } from './api.ts';

/** The `errors[].path` values of a problem response. */
export function fieldPaths(res: Reply): string[] {
  const errors = (res.body as { errors?: { path: string }[] })?.errors ?? [];
  return errors.map((e) => e.path);
}

/** An RFC 9457 problem with this status and, if given, this stable code. */
export function expectProblem(res: Reply, status: number, code?: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  if (code) expect(res.body.code).toBe(code);
}

/** A 400 validation problem that names `path` among its field errors. */
export function expectFieldError(res: Reply, path: string) {
  expectProblem(res, 400, 'validation-failed');
  expect(fieldPaths(res)).toContain(path);
}
