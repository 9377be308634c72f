import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, companies } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { corporateNumber } from '../support/booking.ts';
import { application } from '../support/fixtures.ts';
import { FRESH_DATABASE_MS } from '../support/matching.ts';

// AUTO_ACCEPT=sme: an application is accepted at once when it names a valid corporate number,
// is an SME by the thresholds, and its company has no request the office has taken on and
// not closed. Everything else waits for the office, as with AUTO_ACCEPT=off (the default).

let api: TestApi;
beforeAll(async () => {
  api = await testApi({ AUTO_ACCEPT: 'sme' });
}, FRESH_DATABASE_MS);
afterAll(() => api.close());

const company = (overrides: Record<string, unknown> = {}) => ({
  ...application(api).company,
  corporateNumber: corporateNumber(),
  ...overrides,
});

async function applyWith(companyBody: Record<string, unknown>) {
  const res = await api.call('POST', '/v1/requests', {
    token: null,
    body: application(api, { company: companyBody }),
  });
  expect(res.status, res.text).toBe(201);
  return res.body.request as { id: string; status: string; company: { id: string | null } };
}

describe('AUTO_ACCEPT=sme', () => {
  it('accepts an SME with a valid corporate number at once, linked to its record', async () => {
    const body = company();
    const request = await applyWith(body);
    expect(request.status).toBe('accepted');
    const [record] = await api.db
      .select()
      .from(companies)
      .where(eq(companies.corporateNumber, body.corporateNumber));
    expect(request.company.id).toBe(record?.id);
    const [event] = await api.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'request.accepted'));
    expect(event).toMatchObject({ actorRole: 'system', actorId: 'AUTO_ACCEPT=sme' });
  });

  it('leaves a company over both SME limits for the office', async () => {
    const request = await applyWith(company({ employees: 301, capitalYen: 300_000_001 }));
    expect(request).toMatchObject({ status: 'received', company: { id: null } });
  });

  it('leaves an application without a corporate number for the office', async () => {
    const { corporateNumber: _, ...soleProprietor } = company();
    const request = await applyWith(soleProprietor);
    expect(request.status).toBe('received');
  });

  it('leaves a second application of a company with an open request for the office', async () => {
    const body = company();
    expect((await applyWith(body)).status).toBe('accepted');
    const second = await applyWith({ ...body, name: '別名で申請' });
    expect(second).toMatchObject({ status: 'received', company: { id: null } });
    const [record] = await api.db
      .select()
      .from(companies)
      .where(eq(companies.corporateNumber, body.corporateNumber));
    expect(record?.name).toBe(body.name);
  });

  it('accepts one of two applications of a new company sent at once', async () => {
    const body = company();
    const replies = await Promise.all(
      [1, 2].map(() =>
        api.call('POST', '/v1/requests', {
          token: null,
          body: application(api, { company: body }),
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([201, 201]);
    expect(replies.map((r) => r.body.request.status).sort()).toEqual(['accepted', 'received']);
    const records = await api.db
      .select()
      .from(companies)
      .where(eq(companies.corporateNumber, body.corporateNumber));
    expect(records).toHaveLength(1);
  });
});

describe('AUTO_ACCEPT=off (the default)', () => {
  it(
    'accepts nothing by itself',
    async () => {
      const off = await testApi();
      try {
        const res = await off.call('POST', '/v1/requests', {
          token: null,
          body: application(off, { company: company() }),
        });
        expect(res.body.request.status).toBe('received');
        expect(await off.db.select().from(companies)).toEqual([]);
      } finally {
        await off.close();
      }
    },
    FRESH_DATABASE_MS,
  );
});
