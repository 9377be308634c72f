import { and, eq, inArray, sql } from 'drizzle-orm';
import { type AuditEntry, audit } from '../../db/audit.ts';
import { companies, requests } from '../../db/schema.ts';
import type { Tx } from '../../db/types.ts';

type RequestRow = typeof requests.$inferSelect;
type CompanyRow = typeof companies.$inferSelect;

const FIELDS = [
  'name',
  'industryCode',
  'prefectureCode',
  'employees',
  'capitalYen',
  'isSme',
] as const;

/**
 * Links a request the office accepts to the shared company record, and returns its id: the one
 * company of its corporate number (created when new, else brought up to what this application
 * declares), or, without a number (a sole proprietor), a record of its own. Only acceptance
 * writes the record, so an application alone can neither rename a company nor spend its
 * visits. Whatever changes is audited on the company. The caller holds the request's lock;
 * the company's row is locked next, the order a booking takes them in.
 */
export async function linkCompany(
  tx: Tx,
  request: RequestRow,
  context: { at: Date; actor: AuditEntry['actor'] },
): Promise<string> {
  const declared = {
    name: request.companyName,
    industryCode: request.industryCode,
    prefectureCode: request.prefectureCode,
    employees: request.employees,
    capitalYen: request.capitalYen,
    isSme: request.isSme,
  };
  if (request.corporateNumber) await lockCorporateNumber(tx, request.corporateNumber);
  const created = await tx
    .insert(companies)
    .values({
      ...declared,
      corporateNumber: request.corporateNumber,
      createdAt: context.at,
      updatedAt: context.at,
    })
    .onConflictDoNothing({ target: companies.corporateNumber })
    .returning({ id: companies.id });
  const entry = (action: string, companyId: string, data: Record<string, unknown>) =>
    audit(tx, {
      at: context.at,
      actor: context.actor,
      action,
      entityType: 'company',
      entityId: companyId,
      data: { requestId: request.id, ...data },
    });
  if (created[0]) {
    await entry('company.created', created[0].id, { company: declared });
    return created[0].id;
  }

  const [existing] = await tx
    .select()
    .from(companies)
    .where(eq(companies.corporateNumber, request.corporateNumber ?? ''))
    .for('no key update');
  if (!existing) throw new Error('company vanished between insert and lock');
  const changes = changed(existing, declared);
  if (Object.keys(changes).length > 0) {
    await tx
      .update(companies)
      .set({ ...declared, updatedAt: context.at })
      .where(eq(companies.id, existing.id));
    await entry('company.updated', existing.id, { changes });
  }
  return existing.id;
}

function changed(
  existing: CompanyRow,
  declared: Pick<CompanyRow, (typeof FIELDS)[number]>,
): Record<string, { from: unknown; to: unknown }> {
  return Object.fromEntries(
    FIELDS.filter((f) => existing[f] !== declared[f]).map((f) => [
      f,
      { from: existing[f], to: declared[f] },
    ]),
  );
}

/**
 * Serialises every decision about one corporate number, whether or not its record exists yet:
 * two acceptances of a new company cannot both see "no open request" (AUTO_ACCEPT), and the
 * record is created once. Held to the end of the transaction.
 */
async function lockCorporateNumber(tx: Tx, corporateNumber: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`haken:company:${corporateNumber}`}, 0))`,
  );
}

/** Whether the company of this number has a request the office has taken on and not closed. */
export async function hasOpenRequest(tx: Tx, corporateNumber: string): Promise<boolean> {
  await lockCorporateNumber(tx, corporateNumber);
  const [open] = await tx
    .select({ id: requests.id })
    .from(requests)
    .innerJoin(companies, eq(companies.id, requests.companyId))
    .where(
      and(
        eq(companies.corporateNumber, corporateNumber),
        inArray(requests.status, ['accepted', 'scheduled']),
      ),
    )
    .limit(1);
  return open !== undefined;
}
