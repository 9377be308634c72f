import type { Hono } from 'hono';
import type { ExpertBody } from '../../routes/experts/schema.ts';
import { AvailabilityForm, availabilityValues, saveAvailability } from '../availability-form.tsx';
import type { UiEnv } from '../context.ts';
import { ErrorSummary, Notice } from '../fields.tsx';
import { takeFlash } from '../flash.ts';
import { formValues } from '../form-values.ts';
import { dayOf } from '../format.ts';
import { readSignedIn } from '../signed-in.ts';
import { expertPage } from './expert-page.tsx';
import { requireExpert } from './session.ts';

/** The expert's weekly hours and date overrides, as a form that needs no script. */
export function registerExpertAvailability(ui: Hono<UiEnv>) {
  ui.get('/expert/availability', requireExpert, async (c) => {
    const t = c.get('t');
    const flash = await takeFlash(c);
    const me = await readSignedIn<ExpertBody>(c, '/v1/me');
    const today = dayOf(c.get('deps').clock().getTime());
    const errors = flash.errors ?? {};
    return expertPage(
      c,
      { title: t.navAvailability, area: 'availability', errors: Object.keys(errors).length > 0 },
      <>
        <h1>{t.navAvailability}</h1>
        {flash.notice && <Notice>{t.notices[flash.notice]}</Notice>}
        <ErrorSummary title={t.errorSummary(Object.keys(errors).length)} errors={errors} />
        <div class="panel">
          <AvailabilityForm
            t={t}
            action="/expert/availability"
            csrf={c.get('session').csrf}
            values={
              flash.values ? formValues(flash.values) : availabilityValues(me.availability, today)
            }
            errors={errors}
            today={today}
          />
        </div>
      </>,
    );
  });

  ui.post('/expert/availability', requireExpert, (c) =>
    saveAvailability(c, '/v1/me/availability', '/expert/availability'),
  );
}
