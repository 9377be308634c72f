import { industry } from './industries.ts';

// 中小企業基本法 第2条第1項: a company is an SME when either its capital or its workforce is
// within its sector's limit.

export type SmeSector = 'manufacturing-and-others' | 'wholesale' | 'retail' | 'services';

const limits: Record<SmeSector, { capitalYen: number; employees: number }> = {
  'manufacturing-and-others': { capitalYen: 300_000_000, employees: 300 },
  wholesale: { capitalYen: 100_000_000, employees: 100 },
  retail: { capitalYen: 50_000_000, employees: 50 },
  services: { capitalYen: 50_000_000, employees: 100 },
};

const serviceDivisions = new Set(['G', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R']);

// The law's sector lines follow JSIC groups: wholesale is I50–I55 and retail I56–I61 (only
// parts of G and K count as services, which the taxonomy, carrying divisions there, cannot
// tell apart). A company that gives division I alone is taken as wholesale: its limits are
// the more generous of the two, and an applicant must not be judged by a stricter line than
// the law may allow it.
export function smeSector(industryCode: string): SmeSector {
  const found = industry(industryCode);
  if (!found) throw new RangeError(`unknown industry code: ${industryCode}`);
  if (found.division === 'I') {
    return found.level === 'group' && Number(found.code.slice(1)) >= 56 ? 'retail' : 'wholesale';
  }
  return serviceDivisions.has(found.division) ? 'services' : 'manufacturing-and-others';
}

export function isSme(company: { industryCode: string; capitalYen: number; employees: number }) {
  const limit = limits[smeSector(company.industryCode)];
  return company.capitalYen <= limit.capitalYen || company.employees <= limit.employees;
}
