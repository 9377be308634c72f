import { eq } from 'drizzle-orm';
import { type sessions, surveys } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import { surveyEditableUntil, surveyProblem } from '../../domain/survey.ts';
import type { Principal } from '../../http/context.ts';
import type { SurveyBody } from './schema.ts';

type SessionRow = typeof sessions.$inferSelect;
export type SurveyRow = typeof surveys.$inferSelect;

export async function surveyOf(
  q: Queryable,
  sessionId: string,
  options: { forUpdate?: boolean } = {},
): Promise<SurveyRow | undefined> {
  const query = q.select().from(surveys).where(eq(surveys.sessionId, sessionId));
  const [row] = await (options.forUpdate ? query.for('update') : query);
  return row;
}

/**
 * The survey of a visit as `principal` may see it. The expert rating is the office's alone: it
 * is left out for everyone but staff, here, where every answer about a survey is made.
 */
export function presentSurvey(
  session: SessionRow,
  row: SurveyRow | undefined,
  principal: Principal,
  now: Date,
): SurveyBody {
  const open =
    surveyProblem(
      { status: session.status, surveyFirstSubmittedAt: row?.firstSubmittedAt ?? null },
      now,
    ) === null;
  return {
    sessionId: session.id,
    open,
    editableUntil: row ? surveyEditableUntil(row.firstSubmittedAt).toISOString() : null,
    submittedAt: row?.firstSubmittedAt.toISOString() ?? null,
    updatedAt: row?.updatedAt.toISOString() ?? null,
    answers: row
      ? {
          satisfaction: row.satisfaction,
          resolved: row.resolved,
          wantsMore: row.wantsMore,
          comment: row.comment,
          ...(principal.role === 'staff' ? { expertRating: row.expertRating } : {}),
        }
      : null,
  };
}
