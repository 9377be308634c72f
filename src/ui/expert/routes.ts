import type { Hono } from 'hono';
import type { UiEnv } from '../context.ts';
import { registerExpertAvailability } from './availability.tsx';
import { registerExpertCalendars } from './calendars.tsx';
import { registerExpertSignIn } from './sign-in.tsx';
import { registerExpertTravelClaims } from './travel-claims.tsx';
import { registerExpertVisits } from './visits.tsx';

/** An expert's own pages under /expert, behind a sign-in by one-time link. */
export function registerExpertPages(ui: Hono<UiEnv>) {
  registerExpertSignIn(ui);
  registerExpertVisits(ui);
  registerExpertAvailability(ui);
  registerExpertCalendars(ui);
  registerExpertTravelClaims(ui);
}
