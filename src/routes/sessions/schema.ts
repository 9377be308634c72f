import { z } from '@hono/zod-openapi';
import { attendanceStatuses } from '../../domain/attendance.ts';
import { Instant } from '../../http/schemas.ts';

export const SessionSchema = z
  .object({
    id: z.uuid(),
    requestId: z.uuid(),
    expertId: z.uuid(),
    companyId: z.uuid(),
    start: Instant,
    end: Instant,
    format: z.enum(['onsite', 'online']),
    travelBufferMinutes: z.number().int(),
    status: z.enum(['confirmed', 'completed', 'cancelled', 'no_show']),
    sequence: z.number().int(),
    cancelReason: z.string().nullable(),
    meetingUrl: z.string().nullable(),
    report: z
      .object({
        topicsCovered: z.array(z.string()),
        summary: z.string(),
        followUpNeeded: z.boolean(),
      })
      .nullable(),
    actualStart: Instant.nullable().openapi({ description: 'When the visit began, by its report' }),
    actualEnd: Instant.nullable(),
    attendance: z
      .object({
        status: z.enum(attendanceStatuses),
        comment: z.string().nullable(),
        by: z.enum(['company', 'staff']),
        at: Instant,
      })
      .nullable()
      .openapi({
        description:
          '従事確認: whether the company confirmed the visit took place (null: not answered yet)',
      }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('Session');

export type SessionBody = z.infer<typeof SessionSchema>;
