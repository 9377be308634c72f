import type { Context } from 'hono';
import { attendanceTransition } from '../../domain/attendance.ts';
import type { RequestBody } from '../../routes/requests/schema.ts';
import type { ApiResult } from '../api-client.ts';
import type { UiEnv } from '../context.ts';
import type { FormValues } from '../form-values.ts';
import { formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';

// 従事確認 on the company's status page: for each completed visit, whether it took place as
// reported. The office pays the expert only for a confirmed one; a "no" is kept with what the
// company says and goes to the office.

/** The status page's answer to the attendance form (routes.tsx mounts it as an action). */
export function attendanceCall(
  c: Context<UiEnv>,
  _requestId: string,
  form: FormValues,
): Promise<ApiResult<unknown>> {
  const comment = form.get('comment');
  return c
    .get('api')
    .json('POST', `/v1/sessions/${encodeURIComponent(form.get('sessionId'))}/attendance`, {
      token: c.req.param('token'),
      body: { agree: form.get('agree') === 'yes', ...(comment ? { comment } : {}) },
    });
}

export function AttendancePanel({
  t,
  base,
  request,
}: {
  t: Strings;
  base: string;
  request: RequestBody;
}) {
  const m = t.money;
  const visits = request.sessions.filter((s) => s.status === 'completed');
  if (visits.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="attendance-title">
      <h2 id="attendance-title">{m.attendanceTitle}</h2>
      <p>{m.attendanceLead}</p>
      {visits.map((visit) => {
        const status = visit.attendance?.status ?? null;
        const id = `attendance-${visit.id}`;
        return (
          <div class="match" id={id}>
            <h3>
              {formatRange(t, visit.actualStart ?? visit.start, visit.actualEnd ?? visit.end)}
            </h3>
            {status === 'confirmed' ? (
              <p>{m.attendanceConfirmed}</p>
            ) : (
              <>
                {status === 'disputed' && <p>{m.attendanceDisputed}</p>}
                <form method="post" action={`${base}/attendance`} class="stack">
                  <input type="hidden" name="sessionId" value={visit.id} />
                  <fieldset>
                    <legend>{m.attendanceQuestion}</legend>
                    <ul class="choices">
                      <li>
                        <label class="choice">
                          <input type="radio" name="agree" value="yes" required />
                          {m.attendanceYes}
                        </label>
                      </li>
                      {attendanceTransition('dispute', status) && (
                        <li>
                          <label class="choice">
                            <input type="radio" name="agree" value="no" />
                            {m.attendanceNo}
                          </label>
                        </li>
                      )}
                    </ul>
                  </fieldset>
                  <div class="field">
                    <label for={`${id}-comment`}>
                      {m.attendanceComment}
                      <span class="tag optional">{t.optional}</span>
                    </label>
                    <textarea id={`${id}-comment`} name="comment" maxlength={2000} />
                  </div>
                  <button type="submit">{m.attendanceSubmit}</button>
                </form>
              </>
            )}
          </div>
        );
      })}
    </section>
  );
}
