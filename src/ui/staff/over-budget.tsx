import type { Strings } from '../i18n/strings.ts';

/**
 * On the accept form: accept even past the fiscal year's budget. Without it the API answers
 * 409 over-budget, which the page shows above the form.
 */
export function ForceField({ t }: { t: Strings }) {
  return (
    <div class="field">
      <label class="choice">
        <input type="checkbox" name="force" aria-describedby="force-hint" />
        {t.money.forceAccept}
      </label>
      <span class="hint" id="force-hint">
        {t.money.forceAcceptHint}
      </span>
    </div>
  );
}
