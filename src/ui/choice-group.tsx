import { describedBy, RequiredTag } from './fields.tsx';
import type { Strings } from './i18n/strings.ts';

export type Choice = { value: string; label: string };

/**
 * One question answered by a radio button: a fieldset whose legend is the question, its hint
 * and error tied to it, and its id the field's name, so the error summary's link finds it and
 * moves the focus to it (tabindex -1: focusable by the link, not a stop on the Tab order).
 */
export function ChoiceGroup(props: {
  t: Strings;
  name: string;
  legend: string;
  choices: Choice[];
  checked: string | undefined;
  hint?: string;
  error?: string;
  required?: boolean;
}) {
  const { t, name, legend, choices, checked, hint, error, required } = props;
  return (
    <fieldset
      id={name}
      tabindex={-1}
      class={error ? 'field invalid' : 'field'}
      aria-describedby={describedBy(hint && `${name}-hint`, error && `${name}-error`)}
    >
      <legend>
        {legend}
        <RequiredTag t={t} required={required} />
      </legend>
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
      <ul class="choices">
        {choices.map((choice) => (
          <li>
            <label class="choice">
              <input
                type="radio"
                name={name}
                value={choice.value}
                checked={checked === choice.value}
                required={required}
              />
              <span>{choice.label}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
