import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, certifications } from '../../src/db/schema.ts';
import { type TestApi, testApi } from '../support/api.ts';
import { applyAs, corporateNumber } from '../support/booking.ts';
import { accept, apply, createExpert, expert } from '../support/fixtures.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';

// Staff record what an accredited body did with a company: `certified` (the certificate) or
// `auditing` (its audit began). The harness clock stands at 2026-11-25 09:00 JST.

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});
afterAll(() => api.close());

/** An accepted application of a company of its own, in `industryCode`: its company record's id. */
async function company(industryCode = 'E24') {
  const applied = await apply(api, {
    company: {
      name: `株式会社認証${industryCode}`,
      corporateNumber: corporateNumber(),
      industryCode,
      prefectureCode: '23',
      employees: 40,
      capitalYen: 30_000_000,
    },
  });
  const request = await accept(api, applied.request.id);
  return { companyId: request.company.id as string, requestId: request.id };
}

const certify = (companyId: string, body: unknown, headers: Record<string, string> = {}) =>
  api.call('POST', `/v1/companies/${companyId}/certifications`, { body, headers });

describe('recording a certification', () => {
  it('stores it, audits it and shows it on the company', async () => {
    const { companyId, requestId } = await company();
    const res = await certify(companyId, { date: '2026-10-01', bodyId: 'jqa', number: 'TIM-0042' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      companyId,
      bodyId: 'jqa',
      body: {
        name: { ja: '一般財団法人日本品質保証機構', en: 'Japan Quality Assurance Organization' },
        accreditedOn: '2019-07-02',
        scope: 'all-industries',
      },
      status: 'certified',
      date: '2026-10-01',
      number: 'TIM-0042',
      warnings: [],
      createdAt: api.now().toISOString(),
    });
    const [event] = await api.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.entityId, companyId),
          eq(auditEvents.action, 'company.certification-recorded'),
        ),
      );
    expect(event).toMatchObject({
      entityType: 'company',
      actorRole: 'staff',
      data: {
        certificationId: res.body.id,
        bodyId: 'jqa',
        status: 'certified',
        date: '2026-10-01',
      },
    });

    const audited = await api.call('GET', `/v1/audit?entityType=company&entityId=${companyId}`);
    expect(audited.body.items.map((e: { action: string }) => e.action)).toEqual([
      'company.certification-recorded',
      'company.created',
    ]);
    const read = await api.call('GET', `/v1/companies/${companyId}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({
      id: companyId,
      industryCode: 'E24',
      certifications: [res.body],
      requests: [{ id: requestId, status: 'accepted' }],
    });
  });

  it('records an audit under way, without a number', async () => {
    const { companyId } = await company();
    const res = await certify(companyId, {
      date: '2026-11-25',
      bodyId: 'jdmia',
      status: 'auditing',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ status: 'auditing', number: null, warnings: [] });
  });

  it('warns when the company’s industry is outside the body’s scope, and records it still', async () => {
    const { companyId } = await company('G39');
    const res = await certify(companyId, { date: '2026-06-01', bodyId: 'kansai-infosec' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.warnings).toEqual([
      "The company's industry (G39 情報サービス業) is outside the scope of kansai-infosec (製造業)",
    ]);
    const aerospace = await company('E24');
    const defence = await certify(aerospace.companyId, { date: '2026-06-01', bodyId: 'bsk' });
    expect(defence.body.warnings).toHaveLength(1);
    const fits = await company('E30');
    expect(
      (await certify(fits.companyId, { date: '2026-06-01', bodyId: 'bsk' })).body.warnings,
    ).toEqual([]);
  });

  it('refuses a date before the body’s accreditation, after today, or not a date', async () => {
    const { companyId } = await company();
    expectFieldError(await certify(companyId, { date: '2020-11-19', bodyId: 'jdmia' }), 'date');
    // Tomorrow in Tokyo.
    expectFieldError(await certify(companyId, { date: '2026-11-26', bodyId: 'jqa' }), 'date');
    expectFieldError(await certify(companyId, { date: '2026/10/01', bodyId: 'jqa' }), 'date');
    expectFieldError(await certify(companyId, { date: '2026-10-01', bodyId: 'iso' }), 'bodyId');
    expectFieldError(
      await certify(companyId, { date: '2026-10-01', bodyId: 'jqa', number: 'A\nB' }),
      'number',
    );
    expectFieldError(
      await certify(companyId, { date: '2026-10-01', bodyId: 'jqa', status: 'revoked' }),
      'status',
    );
    expect(
      await api.db.select().from(certifications).where(eq(certifications.companyId, companyId)),
    ).toEqual([]);
  });

  it('is 404 for a company that does not exist', async () => {
    expectProblem(
      await certify(crypto.randomUUID(), { date: '2026-10-01', bodyId: 'jqa' }),
      404,
      'not-found',
    );
    expectProblem(await api.call('GET', `/v1/companies/${crypto.randomUUID()}`), 404, 'not-found');
  });

  it('records once per Idempotency-Key', async () => {
    const { companyId } = await company();
    const body = { date: '2026-10-01', bodyId: 'jaco' };
    const headers = { 'idempotency-key': 'certify-once' };
    const first = await certify(companyId, body, headers);
    const again = await certify(companyId, body, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const rows = await api.db
      .select()
      .from(certifications)
      .where(eq(certifications.companyId, companyId));
    expect(rows).toHaveLength(1);
  });

  it('is staff only', async () => {
    const applied = await applyAs(api);
    const companyId = applied.request.company.id;
    expectProblem(
      await api.call('GET', `/v1/companies/${companyId}`, { token: applied.accessToken }),
      403,
      'forbidden',
    );
    expectProblem(
      await api.call('POST', `/v1/companies/${companyId}/certifications`, {
        token: applied.accessToken,
        body: { date: '2026-10-01', bodyId: 'jqa' },
      }),
      403,
      'forbidden',
    );
  });
});

describe('an expert linked to a certification body', () => {
  it('is set through the expert API, shown, changed and cleared', async () => {
    const created = await createExpert(api, {
      email: 'auditor@example.jp',
      certificationBodyId: 'jqa',
    });
    expect(created.certificationBodyId).toBe('jqa');
    const plain = await createExpert(api, { email: 'plain@example.jp' });
    expect(plain.certificationBodyId).toBeNull();
    const moved = await api.call('PATCH', `/v1/experts/${created.id}`, {
      body: { certificationBodyId: 'jdmia' },
    });
    expect(moved.body.certificationBodyId).toBe('jdmia');
    const cleared = await api.call('PATCH', `/v1/experts/${created.id}`, {
      body: { certificationBodyId: null },
    });
    expect(cleared.body.certificationBodyId).toBeNull();
    expect(
      (await api.call('GET', `/v1/experts/${created.id}`)).body.certificationBodyId,
    ).toBeNull();
  });

  it('must be one of the six bodies', async () => {
    expectFieldError(
      await api.call('POST', '/v1/experts', { body: expert({ certificationBodyId: 'iso' }) }),
      'certificationBodyId',
    );
  });
});
