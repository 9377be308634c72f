import { createHash } from 'node:crypto';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, count, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { audit } from '../../db/audit.ts';
import { travelReceipts } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { MAX_RECEIPT_BYTES, RECEIPT_TYPES, receiptProblem } from '../../domain/travel.ts';
import { travelClaimTransition } from '../../domain/travel-claim-lifecycle.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv, Principal } from '../../http/context.ts';
import { ApiError, invalid, notFound } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  jsonResponse,
  problemResponse,
  singleLine,
} from '../../http/schemas.ts';
import { attachment } from '../reports/tables.ts';
import { claimFor } from './queries.ts';
import { ClaimParam, ReceiptParam, ReceiptSchema } from './schema.ts';

// Receipts are kept in the database and handed back only to staff and the claim's expert,
// always as a download (Content-Disposition: attachment, nosniff, a sandboxing CSP), never
// as something a browser would render or run in the service's origin.

const MAX_RECEIPTS = 10;
/** A body the upload takes: 5 MiB, so a receipt of exactly the limit reaches the check. */
export const MAX_UPLOAD_BYTES = MAX_RECEIPT_BYTES;
const UPLOAD_PATH = /^\/v1\/me\/travel-claims\/[^/]+\/receipts$/;

/** The upload takes a file body, not JSON: the API's JSON body rules step aside for it. */
export const isReceiptUpload = (c: Context<AppEnv>) =>
  c.req.method === 'POST' && UPLOAD_PATH.test(c.req.path);

const fileBody = Object.fromEntries(
  RECEIPT_TYPES.map((type) => [type, { schema: z.string().openapi({ format: 'binary' }) }]),
);

const uploadRoute = createRoute({
  method: 'post',
  path: '/v1/me/travel-claims/{id}/receipts',
  tags: ['me'],
  summary:
    'Attach a receipt to your claim: the file itself, PDF, JPEG or PNG, at most 5 MB (expert)',
  security: bearer('expert'),
  request: {
    params: ClaimParam,
    query: z.strictObject({
      filename: singleLine(200).optional().openapi({ description: 'The name to keep it under' }),
    }),
    body: { required: true, content: fileBody },
  },
  responses: {
    201: jsonResponse('The receipt', ReceiptSchema),
    ...commonErrors,
    409: problemResponse('invalid-transition: the office has decided the claim'),
    413: problemResponse('More than 5 MB'),
    415: problemResponse('Not a PDF, JPEG or PNG'),
  },
});

const file = {
  200: {
    description: 'The receipt, as a download',
    content: Object.fromEntries(RECEIPT_TYPES.map((type) => [type, { schema: z.string() }])),
  },
  ...commonErrors,
};

const meDownload = createRoute({
  method: 'get',
  path: '/v1/me/travel-claims/{id}/receipts/{receiptId}',
  tags: ['me'],
  summary: 'A receipt of your claim (expert)',
  security: bearer('expert'),
  request: { params: ReceiptParam },
  responses: file,
});

const staffDownload = createRoute({
  method: 'get',
  path: '/v1/travel-claims/{id}/receipts/{receiptId}',
  tags: ['money'],
  summary: 'A receipt of a travel claim (staff)',
  security: bearer('staff'),
  request: { params: ReceiptParam },
  responses: file,
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/me/travel-claims/{id}/receipts/{receiptId}',
  tags: ['me'],
  summary: 'Remove a receipt from your claim until the office decides it (expert)',
  security: bearer('expert'),
  request: { params: ReceiptParam },
  responses: {
    204: { description: 'Removed' },
    ...commonErrors,
    409: problemResponse('invalid-transition: the office has decided the claim'),
  },
});

const extensions: Record<(typeof RECEIPT_TYPES)[number], string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

async function download(c: Context<AppEnv>, principal: Principal, id: string, receiptId: string) {
  const { db } = c.get('deps');
  await claimFor(db, principal, id);
  const [receipt] = await db
    .select()
    .from(travelReceipts)
    .where(and(eq(travelReceipts.id, receiptId), eq(travelReceipts.claimId, id)));
  if (!receipt) throw notFound('Receipt');
  const type = receipt.contentType as (typeof RECEIPT_TYPES)[number];
  return c.body(new Uint8Array(receipt.content), 200, {
    'Content-Type': type,
    'Content-Disposition': attachment(
      `receipt-${receipt.id}.${extensions[type]}`,
      receipt.filename,
    ),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
  });
}

export function registerReceipts(app: OpenAPIHono<AppEnv>) {
  app.openapi(uploadRoute, async (c) => {
    const principal = requireRole(c, 'expert');
    const { db, clock } = c.get('deps');
    // Whose claim first: another's is 404 whatever is sent.
    await claimFor(db, principal, c.req.valid('param').id);
    const declared = c.req.header('content-type') ?? '';
    const type = declared.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!(RECEIPT_TYPES as readonly string[]).includes(type)) {
      throw new ApiError('unsupported-media-type', 'A receipt is a PDF, JPEG or PNG file');
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const problem = receiptProblem(type, bytes);
    if (problem) throw invalid('(body)', problem);
    const filename =
      c.req.valid('query').filename || `receipt.${extensions[type as keyof typeof extensions]}`;
    const body = await transaction(db, async (tx) => {
      const claim = await claimFor(tx, principal, c.req.valid('param').id, { forUpdate: true });
      if (!travelClaimTransition('edit', claim.status)) {
        throw new ApiError('invalid-transition', `The office has ${claim.status} this claim`);
      }
      const [held] = await tx
        .select({ n: count() })
        .from(travelReceipts)
        .where(eq(travelReceipts.claimId, claim.id));
      if ((held?.n ?? 0) >= MAX_RECEIPTS) {
        throw new ApiError('invalid-transition', `A claim holds at most ${MAX_RECEIPTS} receipts`);
      }
      const now = clock();
      const [row] = await tx
        .insert(travelReceipts)
        .values({
          claimId: claim.id,
          filename,
          contentType: type,
          sizeBytes: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          content: bytes,
          createdAt: now,
        })
        .returning();
      if (!row) throw new Error('receipt insert returned no row');
      await audit(tx, {
        at: now,
        actor: actorOf(principal),
        action: 'travel-claim.receipt-added',
        entityType: 'travel-claim',
        entityId: claim.id,
        data: { receiptId: row.id, contentType: type, sizeBytes: row.sizeBytes },
      });
      return {
        id: row.id,
        filename: row.filename,
        contentType: row.contentType,
        sizeBytes: row.sizeBytes,
        sha256: row.sha256,
        createdAt: row.createdAt.toISOString(),
      };
    });
    return c.json(body, 201);
  });

  app.openapi(meDownload, async (c) => {
    const principal = requireRole(c, 'expert');
    const { id, receiptId } = c.req.valid('param');
    return download(c, principal, id, receiptId);
  });

  app.openapi(staffDownload, async (c) => {
    const principal = requireRole(c, 'staff');
    const { id, receiptId } = c.req.valid('param');
    return download(c, principal, id, receiptId);
  });

  app.openapi(deleteRoute, async (c) => {
    const principal = requireRole(c, 'expert');
    const { db, clock } = c.get('deps');
    const { id, receiptId } = c.req.valid('param');
    await transaction(db, async (tx) => {
      const claim = await claimFor(tx, principal, id, { forUpdate: true });
      if (!travelClaimTransition('edit', claim.status)) {
        throw new ApiError('invalid-transition', `The office has ${claim.status} this claim`);
      }
      const [gone] = await tx
        .delete(travelReceipts)
        .where(and(eq(travelReceipts.id, receiptId), eq(travelReceipts.claimId, claim.id)))
        .returning({ id: travelReceipts.id });
      if (!gone) throw notFound('Receipt');
      await audit(tx, {
        at: clock(),
        actor: actorOf(principal),
        action: 'travel-claim.receipt-removed',
        entityType: 'travel-claim',
        entityId: claim.id,
        data: { receiptId },
      });
    });
    return c.body(null, 204);
  });
}
