import { asc, eq } from 'drizzle-orm';
import { certifications, companies, requests } from '../../db/schema.ts';
import type { Queryable } from '../../db/types.ts';
import { bodyCoversIndustry, certificationBody } from '../../domain/certification.ts';
import { industryScopes } from '../../domain/industry-scopes.ts';
import { industry } from '../../domain/taxonomy.ts';
import { notFound } from '../../http/errors.ts';
import type { CertificationBody, CompanyBody } from './schema.ts';

type CompanyRow = typeof companies.$inferSelect;
type CertificationRow = typeof certifications.$inferSelect;

export async function companyById(
  q: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<CompanyRow> {
  const query = q.select().from(companies).where(eq(companies.id, id));
  const [row] = await (options.forUpdate ? query.for('no key update') : query);
  if (!row) throw notFound('Company');
  return row;
}

/**
 * A certification with what staff should check about it, against the company's industry as
 * the office records it now.
 */
export function presentCertification(
  row: CertificationRow,
  industryCode: string,
): CertificationBody {
  const body = certificationBody(row.bodyId);
  if (!body) throw new Error(`unknown certification body ${row.bodyId}`);
  const scope = industryScopes.find((s) => s.code === body.scope);
  const warnings = bodyCoversIndustry(body.id, industryCode)
    ? []
    : [
        `The company's industry (${industryCode} ${industry(industryCode)?.name.ja ?? ''}) is outside the scope of ${body.id} (${scope?.name.ja ?? body.scope})`,
      ];
  return {
    id: row.id,
    companyId: row.companyId,
    bodyId: body.id,
    body: { name: body.name, accreditedOn: body.accreditedOn, scope: body.scope },
    status: row.status,
    date: row.date,
    number: row.number,
    warnings,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function loadCompany(q: Queryable, row: CompanyRow): Promise<CompanyBody> {
  const [certified, applications] = await Promise.all([
    q
      .select()
      .from(certifications)
      .where(eq(certifications.companyId, row.id))
      .orderBy(asc(certifications.date), asc(certifications.createdAt)),
    q
      .select({ id: requests.id, status: requests.status, createdAt: requests.createdAt })
      .from(requests)
      .where(eq(requests.companyId, row.id))
      .orderBy(asc(requests.createdAt), asc(requests.id)),
  ]);
  return {
    id: row.id,
    corporateNumber: row.corporateNumber,
    name: row.name,
    industryCode: row.industryCode,
    prefectureCode: row.prefectureCode,
    employees: row.employees,
    capitalYen: row.capitalYen,
    isSme: row.isSme,
    certifications: certified.map((c) => presentCertification(c, row.industryCode)),
    requests: applications.map((r) => ({
      id: r.id,
      status: r.status,
      createdAt: r.createdAt.toISOString(),
    })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
