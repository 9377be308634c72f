import { z } from '@hono/zod-openapi';
import { MAX_TRAVEL_LEGS, TRAVEL_MODES } from '../../domain/travel.ts';
import { travelClaimStatuses } from '../../domain/travel-claim-lifecycle.ts';
import { Instant, singleLine } from '../../http/schemas.ts';

const yen = z.number().int('must be whole yen').min(0).max(10_000_000);

const LegInput = z.strictObject({
  from: singleLine(100).min(1, 'is required'),
  to: singleLine(100).min(1, 'is required'),
  mode: z.enum(TRAVEL_MODES),
  amountYen: yen,
});

// The shape; the year's rules (at least one leg, the allowance per day, the lodging cap) are
// domain/travel.ts's, which names the field that breaks one.
const claimFields = {
  legs: z.array(LegInput).max(MAX_TRAVEL_LEGS),
  allowanceYen: yen.default(0).openapi({ description: 'Daily allowance (日当) for the day' }),
  lodgingYen: yen.default(0).openapi({ description: 'Lodging (宿泊料), one night' }),
};

export const TravelClaimInput = z
  .strictObject({ sessionId: z.uuid(), ...claimFields })
  .openapi('TravelClaimInput');

export const TravelClaimEdit = z.strictObject(claimFields).openapi('TravelClaimEdit');

export const AdjustInput = z
  .strictObject({
    approvedYen: yen,
    reason: singleLine(1000).min(1, 'is required: the expert is told why'),
  })
  .openapi('TravelClaimAdjustment');

export const ReceiptSchema = z
  .object({
    id: z.uuid(),
    filename: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    createdAt: Instant,
  })
  .openapi('Receipt');

export const TravelClaimSchema = z
  .object({
    id: z.uuid(),
    sessionId: z.uuid(),
    expert: z.object({ id: z.uuid(), name: z.string() }),
    visit: z.object({
      requestId: z.uuid(),
      companyName: z.string(),
      prefectureCode: z.string(),
      start: Instant,
      end: Instant,
    }),
    legs: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        mode: z.enum(TRAVEL_MODES),
        amountYen: z.number().int(),
      }),
    ),
    allowanceYen: z.number().int(),
    lodgingYen: z.number().int(),
    claimedYen: z.number().int(),
    status: z.enum(travelClaimStatuses),
    approvedYen: z.number().int().nullable(),
    decisionReason: z.string().nullable(),
    decidedAt: Instant.nullable(),
    paid: z.boolean(),
    receipts: z.array(ReceiptSchema),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('TravelClaim');

export type TravelClaimBody = z.infer<typeof TravelClaimSchema>;

export const TravelClaimListSchema = z.object({
  items: z.array(TravelClaimSchema),
  nextCursor: z.string().nullable(),
});

export const ClaimParam = z.object({
  id: z.uuid({ message: 'must be a UUID' }).openapi({ param: { name: 'id', in: 'path' } }),
});

export const ReceiptParam = ClaimParam.extend({
  receiptId: z
    .uuid({ message: 'must be a UUID' })
    .openapi({ param: { name: 'receiptId', in: 'path' } }),
});
