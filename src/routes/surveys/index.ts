import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { audit } from '../../db/audit.ts';
import { surveys } from '../../db/schema.ts';
import { transaction } from '../../db/transaction.ts';
import { surveyProblem } from '../../domain/survey.ts';
import { actorOf, requireRole } from '../../http/auth.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import {
  bearer,
  commonErrors,
  IdParam,
  jsonBody,
  jsonResponse,
  problemResponse,
} from '../../http/schemas.ts';
import { sessionFor } from '../sessions/queries.ts';
import { presentSurvey, surveyOf } from './queries.ts';
import { SurveyInput, SurveySchema } from './schema.ts';

const getRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/survey',
  tags: ['outcomes'],
  summary:
    'The survey of a visit: whether it can be answered, and the answers (staff, its company)',
  description: 'The expert rating is shown to staff only.',
  security: bearer('staff', 'viewer', 'company'),
  request: { params: IdParam },
  responses: { 200: jsonResponse('The survey', SurveySchema), ...commonErrors },
});

const postRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/survey',
  tags: ['outcomes'],
  summary: 'Answer the survey of a completed visit, or change the answers (its company)',
  description:
    'One survey per visit. The first answer is 201; a change within 14 days of it is 200 and ' +
    'replaces the answers (an `expertRating` left out keeps the one given before); after that ' +
    'the survey is locked (409).',
  security: bearer('company'),
  request: { params: IdParam, body: jsonBody(SurveyInput) },
  responses: {
    200: jsonResponse('The survey, changed', SurveySchema),
    201: jsonResponse('The survey, first answered', SurveySchema),
    ...commonErrors,
    409: problemResponse('invalid-transition: the visit is not completed, or the survey is locked'),
  },
});

export function registerSurveys(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    const principal = requireRole(c, 'staff', 'viewer', 'company');
    const { db, clock } = c.get('deps');
    const session = await sessionFor(db, principal, c.req.valid('param').id);
    const row = await surveyOf(db, session.id);
    return c.json(presentSurvey(session, row, principal, clock()), 200);
  });

  app.openapi(postRoute, async (c) => {
    const principal = requireRole(c, 'company');
    const { db, clock } = c.get('deps');
    const { answers, ratingGiven } = c.req.valid('json');
    const { created, body } = await transaction(db, async (tx) => {
      // The visit's row lock orders two answers sent at once: the second sees the first.
      const session = await sessionFor(tx, principal, c.req.valid('param').id, {
        forUpdate: true,
      });
      const existing = await surveyOf(tx, session.id, { forUpdate: true });
      const now = clock();
      const problem = surveyProblem(
        { status: session.status, surveyFirstSubmittedAt: existing?.firstSubmittedAt ?? null },
        now,
      );
      if (problem) throw new ApiError('invalid-transition', problem);
      const [row] = await tx
        .insert(surveys)
        .values({ sessionId: session.id, ...answers, firstSubmittedAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: surveys.sessionId,
          set: {
            ...answers,
            expertRating: ratingGiven ? answers.expertRating : existing?.expertRating,
            updatedAt: now,
          },
        })
        .returning();
      await audit(tx, {
        at: now,
        actor: actorOf(principal),
        action: existing ? 'survey.changed' : 'survey.submitted',
        entityType: 'session',
        entityId: session.id,
        // The figures the report counts; not the comment, nor the rating of a person.
        data: {
          satisfaction: answers.satisfaction,
          resolved: answers.resolved,
          wantsMore: answers.wantsMore,
        },
      });
      return { created: !existing, body: presentSurvey(session, row, principal, now) };
    });
    return created ? c.json(body, 201) : c.json(body, 200);
  });
}
