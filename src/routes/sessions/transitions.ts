import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { actualTimesProblem } from '../../domain/attendance.ts';
import { isTopic } from '../../domain/taxonomy.ts';
import { isSingleLineText } from '../../domain/text.ts';
import { requireRole } from '../../http/auth.ts';
import type { AppEnv, Role } from '../../http/context.ts';
import { ApiError, invalid } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  InstantInput,
  jsonBody,
  jsonResponse,
  multiLine,
  problemResponse,
  singleLine,
} from '../../http/schemas.ts';
import { changeSession } from './change.ts';
import { checkSlot, withExpert } from './check-slot.ts';
import { lockForSlot } from './queries.ts';
import { SessionSchema } from './schema.ts';

const CancelInput = z.strictObject({ reason: singleLine(1000).optional() });
const RescheduleInput = z.strictObject({ start: InstantInput });
const ReportInput = z
  .strictObject({
    topicsCovered: z
      .array(z.string().refine(isTopic, 'is not a topic code'))
      .max(20)
      .refine((t) => new Set(t).size === t.length, 'must not repeat a topic'),
    summary: multiLine(10_000).min(1),
    followUpNeeded: z.boolean(),
    actualStart: InstantInput.optional().openapi({
      description: 'When the visit actually began; the booked start when left out',
    }),
    actualEnd: InstantInput.optional().openapi({
      description:
        'When it actually ended; fees are paid on this duration (the booked end when left out)',
    }),
  })
  .refine((r) => (r.actualStart === undefined) === (r.actualEnd === undefined), {
    message: 'actualStart and actualEnd go together',
    path: ['actualEnd'],
  })
  .openapi('VisitReport');

const transition = (path: string, summary: string, roles: Role[]) =>
  createRoute({
    method: 'post',
    path: `/v1/sessions/{id}/${path}`,
    tags: ['sessions'],
    summary,
    security: bearer(...roles),
    request: { params: IdParam },
    responses: {
      200: jsonResponse('The session after the change', SessionSchema),
      ...commonErrors,
      409: problemResponse('invalid-transition, slot-taken or quota-exceeded'),
      422: problemResponse('outside-availability'),
    },
  });

const cancelRoute = createRoute({
  ...transition('cancel', 'Cancel a visit (staff, its expert, its company)', [
    'staff',
    'expert',
    'company',
  ]),
  request: {
    params: IdParam,
    body: { required: false, content: { 'application/json': { schema: CancelInput } } },
  },
});
const rescheduleRoute = createRoute({
  ...transition('reschedule', 'Move a visit to another start, atomically (staff, its company)', [
    'staff',
    'company',
  ]),
  request: { params: IdParam, body: jsonBody(RescheduleInput) },
});
const reportRoute = createRoute({
  ...transition(
    'report',
    'File the visit report; the visit becomes completed (its expert, staff)',
    ['staff', 'expert'],
  ),
  request: { params: IdParam, body: jsonBody(ReportInput) },
});
const MeetingInput = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .max(500)
      .refine(isSingleLineText, 'must be one line')
      .nullable(),
  })
  .openapi('MeetingUrl');

const meetingRoute = createRoute({
  ...transition(
    'meeting-url',
    'Set or clear an online visit’s meeting URL; the calendars and both parties hear of it (staff, its expert)',
    ['staff', 'expert'],
  ),
  method: 'put',
  request: { params: IdParam, body: jsonBody(MeetingInput) },
});

const noShowRoute = transition(
  'no-show',
  'The company did not receive the visit (its expert, staff)',
  ['staff', 'expert'],
);

export function registerTransitions(app: OpenAPIHono<AppEnv>) {
  app.openapi(cancelRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'expert', 'company');
    const reason = c.req.valid('json')?.reason ?? null;
    const body = await changeSession(
      c.get('deps'),
      principal,
      c.req.valid('param').id,
      'cancel',
      async () => ({ status: 'cancelled', cancelReason: reason }),
    );
    return c.json(body, 200);
  });

  app.openapi(rescheduleRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const deps = c.get('deps');
    const { start } = c.req.valid('json');
    const body = await changeSession(
      deps,
      principal,
      c.req.valid('param').id,
      'reschedule',
      async (tx, session, request) => {
        const { parties, facts } = await lockForSlot(tx, {
          requestId: request.id,
          expertId: session.expertId,
          start,
          replacing: session.id,
        });
        const slot = checkSlot(request, withExpert(parties), facts, start, {
          now: deps.clock(),
          config: deps.config,
          anyTime: principal.role === 'staff',
        });
        return {
          start: slot.start,
          end: slot.end,
          blockedFrom: slot.blockedFrom,
          blockedTo: slot.blockedTo,
          format: slot.format,
          travelBufferMinutes: slot.travelBufferMinutes,
        };
      },
      { to: start.toISOString() },
    );
    return c.json(body, 200);
  });

  app.openapi(reportRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'expert');
    const { actualStart, actualEnd, ...report } = c.req.valid('json');
    const deps = c.get('deps');
    const body = await changeSession(
      deps,
      principal,
      c.req.valid('param').id,
      'report',
      async (_, session) => {
        // Left out, the visit took place as booked (a report may be filed before its end).
        if (!actualStart || !actualEnd) {
          return {
            status: 'completed',
            report,
            actualStart: session.start,
            actualEnd: session.end,
          };
        }
        const actual = { start: actualStart, end: actualEnd };
        const problem = actualTimesProblem(session, actual, deps.clock());
        if (problem) throw invalid(problem.field, problem.message);
        return { status: 'completed', report, actualStart, actualEnd };
      },
      { followUpNeeded: report.followUpNeeded },
    );
    return c.json(body, 200);
  });

  app.openapi(meetingRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'expert');
    const { url } = c.req.valid('json');
    const body = await changeSession(
      c.get('deps'),
      principal,
      c.req.valid('param').id,
      'update',
      async (_, session) => {
        if (session.format !== 'online') {
          throw new ApiError('invalid-transition', 'Only an online visit has a meeting URL');
        }
        return { meetingUrl: url };
      },
      { fields: ['meetingUrl'] },
    );
    return c.json(body, 200);
  });

  app.openapi(noShowRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'expert');
    const body = await changeSession(
      c.get('deps'),
      principal,
      c.req.valid('param').id,
      'no-show',
      async () => ({ status: 'no_show' }),
    );
    return c.json(body, 200);
  });
}
