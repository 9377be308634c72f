import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { IntakeSchema } from '../../routes/budget/schema.ts';
import type { UiEnv } from '../context.ts';
import { formatDay } from '../format.ts';
import { renderPage } from '../render.tsx';

type Intake = z.infer<typeof IntakeSchema>;

/** The page in place of the form once applications are closed for the fiscal year. */
export function intakeClosedPage(c: Context<UiEnv>, intake: Intake, status: 200 | 409) {
  const t = c.get('t');
  const m = t.money;
  const office = c.get('deps').config;
  return renderPage(
    c,
    { title: m.intakeClosedTitle, status, path: '/apply' },
    <>
      <h1>{m.intakeClosedTitle}</h1>
      <p class="lead">
        {intake.reason === 'closing-date' && intake.closesOn
          ? m.intakeClosedOn(formatDay(t, intake.closesOn))
          : m.intakeClosedBudget}
      </p>
      <p>{m.intakeClosedNext}</p>
      <p>{m.intakeContact(office.officeEmail, office.officePhone)}</p>
    </>,
  );
}

export async function readIntake(c: Context<UiEnv>): Promise<Intake> {
  const res = await c.get('api').json<Intake>('GET', '/v1/intake');
  if (!res.ok) throw new Error(`intake answered ${res.status} ${res.problem.code}`);
  return res.body;
}

/** The closed page when the API says applications are closed now, else null (show the form). */
export async function closedIntake(c: Context<UiEnv>) {
  const intake = await readIntake(c);
  return intake.open ? null : intakeClosedPage(c, intake, 200);
}
