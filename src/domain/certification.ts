import type { FieldProblem, Parsed } from './field-problem.ts';
import { type IndustryScopeCode, scopeCoversIndustry } from './industry-scopes.ts';
import type { Localized } from './localized.ts';
import { median } from './report.ts';
import { characterCount, isSingleLineText } from './text.ts';
import { daysBetween, isLocalDate, type LocalDate, tokyoDate } from './time.ts';

// The bodies METI has accredited to certify under 技術情報管理認証制度, as of March 2022, and the
// certifications companies report: the programme's last outcome, the one the visits lead to.
// Ids are stable slugs (the body's own abbreviation where it has one); they are stored.
// English names are the bodies' own where they publish one (JICQA, JQA, JACO, JDMIA) and a
// plain translation otherwise.

export const certificationBodyIds = [
  'jicqa',
  'jqa',
  'jaco',
  'bsk',
  'kansai-infosec',
  'jdmia',
] as const;
export type CertificationBodyId = (typeof certificationBodyIds)[number];

export type CertificationBody = {
  id: CertificationBodyId;
  name: Localized;
  accreditedOn: LocalDate;
  /** What the body may certify, as one of the industry scopes experts hold. */
  scope: IndustryScopeCode;
};

export const certificationBodies: readonly CertificationBody[] = [
  {
    id: 'jicqa',
    name: { ja: '日本検査キューエイ株式会社', en: 'JIC Quality Assurance Ltd.' },
    accreditedOn: '2019-03-14',
    scope: 'all-industries',
  },
  {
    id: 'jqa',
    name: { ja: '一般財団法人日本品質保証機構', en: 'Japan Quality Assurance Organization' },
    accreditedOn: '2019-07-02',
    scope: 'all-industries',
  },
  {
    id: 'jaco',
    name: {
      ja: '株式会社日本環境認証機構',
      en: 'Japan Audit and Certification Organization for Environment and Quality',
    },
    accreditedOn: '2020-02-21',
    scope: 'all-industries',
  },
  // Accredited for electrical, ICT and transport equipment manufacturing, aerospace and
  // defence: the aerospace-defence scope, JSIC E29, E30 and E31.
  {
    id: 'bsk',
    name: { ja: '公益財団法人防衛基盤整備協会', en: 'Defense Industrial Base Foundation' },
    accreditedOn: '2020-03-25',
    scope: 'aerospace-defence',
  },
  {
    id: 'kansai-infosec',
    name: {
      ja: '一般社団法人情報セキュリティ関西研究所',
      en: 'Kansai Information Security Research Institute',
    },
    accreditedOn: '2020-08-28',
    scope: 'manufacturing',
  },
  {
    id: 'jdmia',
    name: { ja: '一般社団法人日本金型工業会', en: 'Japan Die & Mould Industry Association' },
    accreditedOn: '2020-11-20',
    scope: 'die-mould',
  },
];

export function certificationBody(id: string): CertificationBody | undefined {
  return certificationBodies.find((body) => body.id === id);
}

export function isCertificationBodyId(s: string): s is CertificationBodyId {
  return certificationBody(s) !== undefined;
}

/**
 * Whether the body may certify a company of this JSIC industry, for the warning when a
 * certification names a body outside the company's industry. Read through the body's scope,
 * so a bare division inside a scope of groups is outside it (`E` is not covered by the
 * aerospace-defence body: a manufacturer not classified further may make anything). An
 * unknown body or industry covers nothing, so it warns rather than passes.
 */
export function bodyCoversIndustry(bodyId: string, industryCode: string): boolean {
  const body = certificationBody(bodyId);
  return body !== undefined && scopeCoversIndustry(body.scope, industryCode);
}

export const CERTIFICATION_NUMBER_MAX = 64;

/**
 * What a body has done with a company, as the office records it: `auditing` from the day the
 * body's audit began, `certified` on the date of the certificate. A company under audit has
 * chosen its body already, so both make that body's experts conflicted; only `certified` is an
 * outcome of the programme. A record is never moved from one to the other: the certificate is
 * a record of its own, and the audit stays on file.
 */
export const certificationStatuses = ['auditing', 'certified'] as const;
export type CertificationStatus = (typeof certificationStatuses)[number];

export type CertificationConflict = { bodyId: CertificationBodyId; status: CertificationStatus };

/**
 * Why an expert linked to a certification body may not advise a company (the conflict of
 * interest between advising a company and certifying it): the company's record with that
 * body, a certificate before an audit; null when the expert has no body, or their body has no
 * record with the company. `records` are the company's certifications, all bodies.
 */
export function certificationConflict(
  expertBodyId: string | null,
  records: readonly { bodyId: string; status: CertificationStatus }[],
): CertificationConflict | null {
  const body = expertBodyId === null ? undefined : certificationBody(expertBodyId);
  if (!body) return null;
  const own = records.filter((r) => r.bodyId === body.id);
  const record = own.find((r) => r.status === 'certified') ?? own[0];
  return record ? { bodyId: body.id, status: record.status } : null;
}

/** The reason staff read when matching leaves such an expert out. */
export function certificationConflictReason(conflict: CertificationConflict): string {
  const name = certificationBody(conflict.bodyId)?.name.ja ?? conflict.bodyId;
  return conflict.status === 'certified'
    ? `利益相反: ${name}が認証した企業`
    : `利益相反: ${name}が審査中の企業`;
}

export type Certification = {
  /** The date on the certificate, Asia/Tokyo. */
  date: LocalDate;
  bodyId: CertificationBodyId;
  /** The certificate's registration number, when the company gives it. */
  number: string | null;
};

/**
 * A certification as a company or staff report it, or what is wrong with it. The date cannot
 * come before the body's accreditation (it could not certify yet) nor after today in Tokyo (a
 * certificate is recorded once issued). The number is single-line text; '' means none.
 */
export function parseCertification(input: unknown, now: Date | number): Parsed<Certification> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ path: '', message: 'must be an object' }] };
  }
  const fields = input as Record<string, unknown>;
  const { date, bodyId } = fields;
  const number = fields.number ?? '';
  const problems: FieldProblem[] = [];
  const body = typeof bodyId === 'string' ? certificationBody(bodyId) : undefined;
  if (!body) {
    problems.push({ path: 'bodyId', message: `must be one of ${certificationBodyIds.join(', ')}` });
  }
  if (typeof date !== 'string' || !isLocalDate(date)) {
    problems.push({ path: 'date', message: 'must be a date (YYYY-MM-DD)' });
  } else if (body && date < body.accreditedOn) {
    problems.push({
      path: 'date',
      message: `is before ${body.id} was accredited (${body.accreditedOn})`,
    });
  } else if (date > tokyoDate(now)) {
    problems.push({ path: 'date', message: `is after today (${tokyoDate(now)}, Asia/Tokyo)` });
  }
  if (typeof number !== 'string') {
    problems.push({ path: 'number', message: 'must be text or null' });
  } else if (characterCount(number) > CERTIFICATION_NUMBER_MAX) {
    problems.push({
      path: 'number',
      message: `must be at most ${CERTIFICATION_NUMBER_MAX} characters`,
    });
  } else if (!isSingleLineText(number)) {
    problems.push({ path: 'number', message: 'must be one line without control characters' });
  }
  if (problems.length > 0 || !body) return { ok: false, problems };
  return {
    ok: true,
    value: { date: date as LocalDate, bodyId: body.id, number: (number as string) || null },
  };
}

/**
 * Calendar days from a company's first completed visit (its Tokyo date) to the first
 * certification dated after it; null when none is. A certificate dated on the day of the first
 * visit or earlier was audited before the visit could help, so it is not "after a visit".
 */
export function daysToCertification(
  firstVisitOn: LocalDate,
  certifiedOn: readonly LocalDate[],
): number | null {
  const after = certifiedOn.filter((date) => date > firstVisitOn).sort();
  return after[0] === undefined ? null : daysBetween(firstVisitOn, after[0]);
}

/**
 * The report's certification figures over companies with a first visit: how many were
 * certified after it, and the median days to that certification (an even count takes the mean
 * of the two middle companies, so it may end in .5).
 */
export function certificationOutcome(
  companies: readonly { firstVisitOn: LocalDate; certifiedOn: readonly LocalDate[] }[],
): { certifiedAfterVisit: number; medianDaysToCertification: number | null } {
  const days = companies.flatMap((c) => {
    const d = daysToCertification(c.firstVisitOn, c.certifiedOn);
    return d === null ? [] : [d];
  });
  return { certifiedAfterVisit: days.length, medianDaysToCertification: median(days) };
}
