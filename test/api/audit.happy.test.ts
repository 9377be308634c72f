import { and, asc, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEvents,
  companies,
  experts,
  requests,
  tokens,
  weeklyHours,
} from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { application, apply, createExpert, expert, weekdays9to17 } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

/** The entity's audit events as GET /v1/audit shows them and as audit_events holds them. */
async function auditOf(entityType: string, entityId: string) {
  const res = await api.call('GET', `/v1/audit?entityType=${entityType}&entityId=${entityId}`);
  expect(res.status).toBe(200);
  const rows = await api.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, entityId)))
    .orderBy(asc(auditEvents.id));
  return { items: res.body.items as any[], rows };
}

describe('every write leaves its audit event', () => {
  it('request.created (anonymous) and request.cancelled (the company)', async () => {
    const { request, accessToken } = await apply(api);
    await api.call('POST', `/v1/requests/${request.id}/cancel`, { token: accessToken });
    const { items, rows } = await auditOf('request', request.id);
    expect(rows.map((r) => r.action)).toEqual(['request.created', 'request.cancelled']);
    expect(rows[0]).toMatchObject({ actorRole: 'anonymous', actorId: null });
    expect(rows[1]).toMatchObject({ actorRole: 'company', actorId: request.id });
    // The API lists newest first.
    expect(items.map((i) => i.action)).toEqual(['request.cancelled', 'request.created']);
    expect(items[0]).toMatchObject({
      entityType: 'request',
      entityId: request.id,
      actor: { role: 'company', id: request.id },
    });
  });

  it('a request’s status moved by its visit is in the request’s own history', async () => {
    const start = api.now();
    const expertId = (await createExpert(api)).id;
    const { request } = await apply(api);
    const expertToken = (await issueToken(api, { role: 'expert', expertId })).token;
    const bookAt = async (iso: string) => {
      const res = await api.call('POST', `/v1/requests/${request.id}/sessions`, {
        body: { expertId, start: iso },
      });
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    // Thu 2026-12-03 10:00 JST: booked, cancelled, booked again, then reported after the visit.
    const first = await bookAt('2026-12-03T01:00:00Z');
    await api.call('POST', `/v1/sessions/${first}/cancel`, { body: {} });
    const second = await bookAt('2026-12-03T01:00:00Z');
    api.setNow('2026-12-03T04:00:00Z');
    const reported = await api.call('POST', `/v1/sessions/${second}/report`, {
      token: expertToken,
      body: { topicsCovered: ['identify'], summary: '実施した。', followUpNeeded: false },
    });
    api.setNow(start);
    expect(reported.status, reported.text).toBe(200);
    const { items, rows } = await auditOf('request', request.id);
    expect(rows.map((r) => [r.action, r.data])).toEqual([
      ['request.created', expect.anything()],
      // Staff booking an application under review accept it in the same step.
      ['request.accepted', { from: 'received', companyId: expect.any(String), note: null }],
      ['request.status-changed', { from: 'accepted', to: 'scheduled', sessionId: first }],
      ['request.status-changed', { from: 'scheduled', to: 'accepted', sessionId: first }],
      ['request.status-changed', { from: 'accepted', to: 'scheduled', sessionId: second }],
      ['request.status-changed', { from: 'scheduled', to: 'completed', sessionId: second }],
    ]);
    expect(items).toHaveLength(rows.length);
    expect(rows.at(-1)).toMatchObject({ actorRole: 'expert', actorId: expertId });
  });

  it('stamps each event with the service clock, like the change it records', async () => {
    const start = api.now();
    const applied = new Date(start.getTime() + 3_600_000);
    api.setNow(applied);
    const { request, accessToken } = await apply(api);
    const cancelled = new Date(applied.getTime() + 60_000);
    api.setNow(cancelled);
    await api.call('POST', `/v1/requests/${request.id}/cancel`, { token: accessToken });
    api.setNow(start);
    const { items, rows } = await auditOf('request', request.id);
    expect(rows.map((r) => r.at.toISOString())).toEqual([
      applied.toISOString(),
      cancelled.toISOString(),
    ]);
    expect(items.map((i) => i.at)).toEqual([cancelled.toISOString(), applied.toISOString()]);
  });

  it('expert.created, expert.updated, expert.availability-replaced (staff)', async () => {
    const created = await api.call('POST', '/v1/experts', { body: expert() });
    const id = created.body.id;
    await api.call('PATCH', `/v1/experts/${id}`, { body: { active: false } });
    await api.call('PUT', `/v1/experts/${id}/availability`, { body: { weekly: weekdays9to17 } });
    const { items, rows } = await auditOf('expert', id);
    expect(rows.map((r) => r.action)).toEqual([
      'expert.created',
      'expert.updated',
      'expert.availability-replaced',
    ]);
    expect(rows.every((r) => r.actorRole === 'staff')).toBe(true);
    expect(rows[1]?.data).toEqual({ fields: ['active'] });
    expect(items).toHaveLength(3);
  });

  it('expert.availability-replaced by the expert itself', async () => {
    const { id } = await createExpert(api);
    const { token } = await issueToken(api, { role: 'expert', expertId: id });
    await api.call('PUT', '/v1/me/availability', { token, body: { weekly: [] } });
    const { rows } = await auditOf('expert', id);
    expect(rows.at(-1)).toMatchObject({
      action: 'expert.availability-replaced',
      actorRole: 'expert',
      actorId: id,
    });
  });

  it('token.issued and token.revoked, naming the staff token that did it', async () => {
    const admin = await issueToken(api, { role: 'staff' });
    const issued = await api.call('POST', '/v1/tokens', {
      token: admin.token,
      body: { role: 'staff' },
    });
    await api.call('DELETE', `/v1/tokens/${issued.body.id}`, { token: admin.token });
    const { items, rows } = await auditOf('token', issued.body.id);
    expect(rows.map((r) => r.action)).toEqual(['token.issued', 'token.revoked']);
    expect(rows.every((r) => r.actorRole === 'staff' && r.actorId === admin.id)).toBe(true);
    expect(items).toHaveLength(2);
  });

  it('a refused write leaves no event', async () => {
    const [before] = await api.db.select({ n: count() }).from(auditEvents);
    await api.call('POST', '/v1/experts', { body: expert({ topics: ['nope'] }) });
    await api.call('PATCH', '/v1/experts/00000000-0000-4000-8000-000000000000', {
      body: { active: false },
    });
    await api.call('POST', '/v1/tokens', { body: { role: 'nobody' } });
    const [after] = await api.db.select({ n: count() }).from(auditEvents);
    expect(after?.n).toBe(before?.n);
  });
});

describe('GET /v1/audit', () => {
  it('pages newest first without repeats', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.call('GET', `/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { id: number }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const [total] = await api.db.select({ n: count() }).from(auditEvents);
    expect(seen).toHaveLength(total?.n ?? -1);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('400 for an unknown entityType, a garbage cursor or an unknown parameter', async () => {
    expectFieldError(await api.call('GET', '/v1/audit?entityType=invoice'), 'entityType');
    expectFieldError(await api.call('GET', '/v1/audit?cursor=abc'), 'cursor');
    expectFieldError(await api.call('GET', '/v1/audit?actor=me'), 'actor');
  });
});

describe('the audit event is written in the same transaction as the change', () => {
  // With audit inserts made to fail, every write must fail whole: no change without its event.
  let broken: TestApi;
  let requestId: string;
  let expertId: string;
  let expertToken: { id: string; token: string };
  beforeAll(async () => {
    broken = await testApi();
    requestId = (await apply(broken)).request.id;
    expertId = (await createExpert(broken)).id;
    expertToken = await issueToken(broken, { role: 'expert', expertId });
    await broken.db.execute(
      sql.raw(`create function refuse_audit() returns trigger language plpgsql as $$
        begin raise exception 'audit refused'; end $$`),
    );
    await broken.db.execute(
      sql.raw(`create trigger refuse_audit before insert on audit_events
        for each row execute function refuse_audit()`),
    );
  });
  afterAll(() => broken.close());

  const counts = async () => {
    const tally = async (
      table: typeof requests | typeof companies | typeof experts | typeof tokens,
    ) => (await broken.db.select({ n: count() }).from(table))[0]?.n;
    return {
      requests: await tally(requests),
      companies: await tally(companies),
      experts: await tally(experts),
      tokens: await tally(tokens),
    };
  };

  it('applying creates no request, company or token', async () => {
    const before = await counts();
    const res = await broken.call('POST', '/v1/requests', {
      token: null,
      body: application(broken, {
        company: {
          name: '新規',
          corporateNumber: '2120901007402',
          industryCode: 'E',
          prefectureCode: '27',
          employees: 5,
          capitalYen: 1,
        },
      }),
    });
    expectProblem(res, 500, 'internal');
    expect(await counts()).toEqual(before);
  });

  it('cancelling leaves the request received', async () => {
    expectProblem(await broken.call('POST', `/v1/requests/${requestId}/cancel`), 500, 'internal');
    const [row] = await broken.db.select().from(requests).where(eq(requests.id, requestId));
    expect(row?.status).toBe('received');
  });

  it('creating or patching an expert, or replacing availability, changes nothing', async () => {
    const before = await counts();
    expectProblem(await broken.call('POST', '/v1/experts', { body: expert() }), 500, 'internal');
    expect(await counts()).toEqual(before);

    const patch = await broken.call('PATCH', `/v1/experts/${expertId}`, {
      body: { active: false },
    });
    expectProblem(patch, 500, 'internal');
    const [row] = await broken.db.select().from(experts).where(eq(experts.id, expertId));
    expect(row?.active).toBe(true);

    const put = await broken.call('PUT', `/v1/experts/${expertId}/availability`, {
      body: { weekly: [] },
    });
    expectProblem(put, 500, 'internal');
    const hours = await broken.db
      .select()
      .from(weeklyHours)
      .where(eq(weeklyHours.expertId, expertId));
    expect(hours).toHaveLength(5);
  });

  it('issuing adds no token; revoking leaves the token working', async () => {
    const before = await counts();
    expectProblem(
      await broken.call('POST', '/v1/tokens', { body: { role: 'staff' } }),
      500,
      'internal',
    );
    expect(await counts()).toEqual(before);

    expectProblem(await broken.call('DELETE', `/v1/tokens/${expertToken.id}`), 500, 'internal');
    expect((await broken.call('GET', '/v1/me', { token: expertToken.token })).status).toBe(200);
  });
});
