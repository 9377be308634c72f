import { z } from '@hono/zod-openapi';
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
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('Session');

export type SessionBody = z.infer<typeof SessionSchema>;
