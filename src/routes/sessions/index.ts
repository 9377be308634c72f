import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { registerAttendance } from './attendance.ts';
import { registerBook } from './book.ts';
import { registerSessionReads } from './read.ts';
import { registerSessionSlots } from './slots.ts';
import { registerTransitions } from './transitions.ts';

export function registerSessions(app: OpenAPIHono<AppEnv>) {
  registerBook(app);
  registerTransitions(app);
  registerAttendance(app);
  registerSessionReads(app);
  registerSessionSlots(app);
}
