import { industry, industryDivisions } from './industries.ts';
import type { Localized } from './localized.ts';

// The accredited certification bodies each certify within an industry scope. A scope is held
// by an expert as a tag and resolved onto JSIC codes, so a company is only ever classified once.

export type IndustryScopeCode =
  | 'all-industries'
  | 'manufacturing'
  | 'die-mould'
  | 'aerospace-defence';
export type IndustryScope = { code: IndustryScopeCode; name: Localized; covers: readonly string[] };

export const industryScopes: readonly IndustryScope[] = [
  {
    code: 'all-industries',
    name: { ja: '全業種', en: 'All industries' },
    covers: industryDivisions.map((d) => d.code),
  },
  { code: 'manufacturing', name: { ja: '製造業', en: 'Manufacturing' }, covers: ['E'] },
  // Dies and moulds themselves are JSIC 2694–2695 (in E26), but the work around them (pressing,
  // casting, plastic moulding) spans manufacturing, so the scope covers all of E.
  { code: 'die-mould', name: { ja: '金型関連業', en: 'Die and mould' }, covers: ['E'] },
  {
    code: 'aerospace-defence',
    name: { ja: '航空・宇宙・防衛', en: 'Aerospace and defence' },
    covers: ['E29', 'E30', 'E31'],
  },
];

export function isIndustryScope(s: string): s is IndustryScopeCode {
  return industryScopes.some((scope) => scope.code === s);
}

// A scope that covers a division covers each of its groups; one that covers only some groups
// does not cover the bare division, whose company may well make something else.
export function scopeCoversIndustry(scope: string, industryCode: string): boolean {
  const covers = industryScopes.find((s) => s.code === scope)?.covers;
  const target = industry(industryCode);
  if (!covers || !target) return false;
  return covers.includes(target.code) || covers.includes(target.division);
}
