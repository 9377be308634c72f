import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { audit } from '../../db/audit.ts';
import { sessions } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { attendanceProblem, attendanceTransition } from '../../domain/attendance.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError, invalid } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  jsonBody,
  jsonResponse,
  multiLine,
  problemResponse,
} from '../../http/schemas.ts';
import { enqueue } from '../../notify/enqueue.ts';
import { presentSession } from './present.ts';
import { sessionFor } from './queries.ts';
import { SessionSchema } from './schema.ts';

const AttendanceInput = z
  .strictObject({
    agree: z.boolean().openapi({ description: 'true: the visit took place as reported' }),
    comment: multiLine(2000).optional().openapi({
      description: 'What the company says; staff answering for it must say how they know',
    }),
  })
  .openapi('Attendance');

const route = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/attendance',
  tags: ['sessions'],
  summary:
    'Confirm (従事確認) or dispute that a completed visit took place (its company; staff for it, with a note)',
  security: bearer('staff', 'company'),
  request: { params: IdParam, body: jsonBody(AttendanceInput) },
  responses: {
    200: jsonResponse('The session with its attendance', SessionSchema),
    ...commonErrors,
    409: problemResponse('invalid-transition: not completed, or confirmed already'),
  },
});

export function registerAttendance(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = requireRole(c, 'staff', 'company');
    const { db, clock, config } = c.get('deps');
    const { agree, comment } = c.req.valid('json');
    const note = comment || null;
    if (principal.role === 'staff' && !note) {
      throw invalid('comment', 'is required when staff answer for the company: say how they know');
    }
    const action = agree ? 'agree' : 'dispute';
    const body = await transaction(db, async (tx) => {
      const session = await sessionFor(tx, principal, c.req.valid('param').id, {
        forUpdate: true,
      });
      const problem = attendanceProblem(action, session);
      const status = attendanceTransition(action, session.attendance);
      if (problem || !status) throw new ApiError('invalid-transition', problem ?? action);
      const now = clock();
      const [row] = await tx
        .update(sessions)
        .set({
          attendance: status,
          attendanceComment: note,
          attendanceBy: principal.role,
          attendanceAt: now,
          updatedAt: now,
        })
        .where(eq(sessions.id, session.id))
        .returning();
      if (!row) throw new Error('session vanished under its lock');
      await audit(tx, {
        at: now,
        actor: actorOf(principal),
        action: `session.attendance-${status}`,
        entityType: 'session',
        entityId: session.id,
        data: { requestId: session.requestId, from: session.attendance, comment: note },
      });
      if (status === 'disputed') {
        await enqueue(tx, 'session.attendance-disputed', {
          now,
          sessionId: session.id,
          officeEmail: config.officeEmail,
        });
      }
      return presentSession(row);
    });
    return c.json(body, 200);
  });
}
