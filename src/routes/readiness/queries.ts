import { and, eq, inArray, min } from 'drizzle-orm';
import { readiness, type requests, sessions } from '../../db/schema.ts';
import type { Queryable, Tx } from '../../db/types.ts';
import {
  type ReadinessFacts,
  type ReadinessLevels,
  type ReadinessPhase,
  readinessProblem,
} from '../../domain/readiness.ts';
import { surveyEditableUntil } from '../../domain/survey.ts';
import { stepCodes } from '../../domain/topics.ts';
import type { ReadinessBody } from './schema.ts';

type RequestRow = typeof requests.$inferSelect;
type ReadinessRow = typeof readiness.$inferSelect;

/** A request's answers and the start of its first visit, for the phase rules. */
export async function readinessOf(
  q: Queryable,
  request: RequestRow,
): Promise<{ rows: ReadinessRow[]; firstVisitStart: Date | null }> {
  const [rows, [first]] = await Promise.all([
    q.select().from(readiness).where(eq(readiness.requestId, request.id)),
    q
      .select({ start: min(sessions.start) })
      .from(sessions)
      .where(
        and(
          eq(sessions.requestId, request.id),
          inArray(sessions.status, ['confirmed', 'completed']),
        ),
      ),
  ]);
  return { rows, firstVisitStart: first?.start ?? null };
}

export function factsOf(
  request: RequestRow,
  state: { rows: ReadinessRow[]; firstVisitStart: Date | null },
  phase: ReadinessPhase,
): ReadinessFacts {
  return {
    status: request.status,
    firstVisitStart: state.firstVisitStart,
    firstAnsweredAt: state.rows.find((r) => r.phase === phase)?.firstAnsweredAt ?? null,
  };
}

/** Stores one phase's levels, keeping when it was first answered. */
export async function storeReadiness(
  tx: Tx,
  requestId: string,
  phase: ReadinessPhase,
  levels: ReadinessLevels,
  now: Date,
): Promise<void> {
  await tx
    .insert(readiness)
    .values({ requestId, phase, ...levels, firstAnsweredAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [readiness.requestId, readiness.phase],
      set: { ...levels, updatedAt: now },
    });
}

const levelsOf = (row: ReadinessRow) =>
  Object.fromEntries(stepCodes.map((step) => [step, row[step]])) as ReadinessLevels;

export function presentReadiness(
  request: RequestRow,
  state: { rows: ReadinessRow[]; firstVisitStart: Date | null },
  now: Date,
): ReadinessBody {
  const answer = (phase: ReadinessPhase) => {
    const row = state.rows.find((r) => r.phase === phase);
    return row
      ? {
          levels: levelsOf(row),
          answeredAt: row.firstAnsweredAt.toISOString(),
          updatedAt: row.updatedAt.toISOString(),
        }
      : null;
  };
  const open = (phase: ReadinessPhase) =>
    readinessProblem(phase, factsOf(request, state, phase), now) === null;
  const after = state.rows.find((r) => r.phase === 'after');
  return {
    requestId: request.id,
    before: answer('before'),
    after: answer('after'),
    open: { before: open('before'), after: open('after') },
    editableUntil: {
      after: after ? surveyEditableUntil(after.firstAnsweredAt).toISOString() : null,
    },
  };
}
