import type { Child } from 'hono/jsx';
import type { Strings } from './i18n/strings.ts';

// Form pieces that carry their accessibility wiring: a label for every control, hints and
// errors tied to it with aria-describedby, aria-invalid on a field in error, and an error
// summary whose links move focus to the field (ids are the field names).

export type FieldErrors = Record<string, string>;

export const describedBy = (...ids: (string | false | undefined)[]) =>
  ids.filter(Boolean).join(' ') || undefined;

type FieldProps = {
  t: Strings;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  /** Tags the label required (true) or optional (false); undefined tags it neither. */
  required?: boolean;
  /** Renders the control with the wiring it must carry: id, name, description, invalid state. */
  control: (wiring: {
    id: string;
    name: string;
    'aria-describedby'?: string;
    'aria-invalid'?: 'true';
  }) => Child;
  after?: Child;
};

export function Field({ t, name, label, hint, error, required, control, after }: FieldProps) {
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={name}>
        {label}
        <RequiredTag t={t} required={required} />
      </label>
      {hint && (
        <span class="hint" id={`${name}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span class="error" id={`${name}-error`}>
          {error}
        </span>
      )}
      {control({
        id: name,
        name,
        'aria-describedby': describedBy(hint && `${name}-hint`, error && `${name}-error`),
        ...(error ? { 'aria-invalid': 'true' as const } : {}),
      })}
      {after}
    </div>
  );
}

export function RequiredTag({ t, required }: { t: Strings; required?: boolean | undefined }) {
  if (required === undefined) return null;
  return required ? (
    <span class="tag required">{t.required}</span>
  ) : (
    <span class="tag optional">{t.optional}</span>
  );
}

export function ErrorSummary({ title, errors }: { title: string; errors: FieldErrors }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    // Focused as the page loads (autofocus on a focusable element; no script needed), so a
    // screen reader starts with what to fix and the keyboard from there.
    <div
      class="alert"
      role="alert"
      aria-labelledby="error-summary-title"
      id="error-summary"
      tabindex={-1}
      autofocus
    >
      <h2 id="error-summary-title">{title}</h2>
      <ul>
        {entries.map(([name, message]) => (
          <li>
            <a href={`#${name}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Notice({ children }: { children?: Child }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  );
}

export function Alert({ children }: { children?: Child }) {
  return (
    <div class="alert" role="alert">
      {children}
    </div>
  );
}
