import type { FieldError } from '../http/errors.ts';
import type { FieldErrors } from './fields.tsx';

/** The API's field errors by form field (the fields are named as the API's paths). */
export function fieldErrorsOf(
  errors: readonly FieldError[] | undefined,
  message: (path: string, fallback: string) => string,
): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors ?? []) out[error.path] ??= message(error.path, error.message);
  return out;
}
