import type { Config } from '../../config.ts';
import type { FieldError } from '../../http/errors.ts';
import type { FieldErrors } from '../fields.tsx';
import type { Strings } from '../i18n/strings.ts';

const WINDOW_PATH = /^preferredWindows\.(\d+)(?:\.(start|end))?$/;

/**
 * The API's `errors[].path` as the form's field names (which are those paths, but for window
 * rows the form skipped), each with a message in the page language; the API's own message
 * stands where no better one is known. The first error of a field wins.
 */
export function formErrors(
  t: Strings,
  errors: readonly FieldError[],
  context: { windowRows: number[]; durationMinutes: unknown; config: Config },
): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors) {
    const [name, message] = fieldError(t, error, context);
    out[name] ??= message;
  }
  return out;
}

function fieldError(
  t: Strings,
  { path, message }: FieldError,
  context: { windowRows: number[]; durationMinutes: unknown; config: Config },
): [string, string] {
  const window = WINDOW_PATH.exec(path);
  if (window) {
    const row = context.windowRows[Number(window[1])] ?? 0;
    const part = window[2] ?? 'end';
    return [`preferredWindows.${row}.${part}`, windowMessage(t, part, window[2], message, context)];
  }
  const name = path.startsWith('topics') ? 'topics' : path;
  return [name, t.fieldErrors[name] ?? message];
}

function windowMessage(
  t: Strings,
  part: string,
  given: string | undefined,
  message: string,
  context: { durationMinutes: unknown; config: Config },
): string {
  const w = t.windowErrors;
  if (given === undefined) {
    return typeof context.durationMinutes === 'number'
      ? w.tooShort(context.durationMinutes)
      : message;
  }
  if (message.startsWith('must be at least')) return w.tooSoon(context.config.minNoticeHours);
  if (message.startsWith('must be within')) return w.tooLate(context.config.horizonDays);
  if (part === 'end' && message.includes('before end')) return w.order;
  return w.missing;
}
