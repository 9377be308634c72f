import type { Child } from 'hono/jsx';
import type { Strings } from './i18n/strings.ts';

/**
 * A confirmation step that needs no script: a page of its own (reached by a link) that says
 * what is about to happen, with the one form that does it and a way back. Used before what
 * cannot be undone: cancelling, withdrawing, replacing a link.
 */
export function Confirm(props: {
  t: Strings;
  title: string;
  lead: Child;
  action: string;
  button: string;
  back: string;
  /** Hidden fields posted with it (the CSRF token, a visit's id). */
  hidden?: Record<string, string>;
  /** A reason to give, optional: its field's label. */
  reason?: string;
}) {
  const { t, title, lead, action, button, back, hidden = {}, reason } = props;
  return (
    <>
      <h1>{title}</h1>
      <section class="panel" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{t.confirmTitle}</h2>
        <p>{lead}</p>
        <form method="post" action={action} class="stack">
          {Object.entries(hidden).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          {reason && (
            <div class="field">
              <label for="confirm-reason">
                {reason}
                <span class="tag optional">{t.optional}</span>
              </label>
              <input type="text" id="confirm-reason" name="reason" maxlength={1000} />
            </div>
          )}
          <div class="actions">
            <button type="submit" class="danger">
              {button}
            </button>
            <a href={back}>{t.confirmGoBack}</a>
          </div>
        </form>
      </section>
    </>
  );
}
