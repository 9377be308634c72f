import {
  type IndustryDivision,
  type IndustryGroup,
  industryDivisions,
  industryGroups,
} from './industries.ts';
import { type IndustryScope, industryScopes } from './industry-scopes.ts';
import type { Localized } from './localized.ts';
import { type Prefecture, prefectures } from './prefectures.ts';
import { type TopicCode, topics } from './topics.ts';

export {
  type Industry,
  type IndustryDivision,
  type IndustryGroup,
  industry,
  industryDivisions,
  industryGroups,
  isIndustryCode,
  manufacturingGroups,
  tradeGroups,
} from './industries.ts';
export {
  type IndustryScope,
  type IndustryScopeCode,
  industryScopes,
  isIndustryScope,
  scopeCoversIndustry,
} from './industry-scopes.ts';
export type { Localized } from './localized.ts';
export { type Prefecture, prefecture, prefectures } from './prefectures.ts';
export { isTopic, type TopicCode, topicCodes, topics } from './topics.ts';

/** The body of GET /v1/taxonomy: every code a client may send, with its names. */
export type TaxonomyDocument = {
  industries: Array<IndustryDivision & { groups: IndustryGroup[] }>;
  industryScopes: Array<Omit<IndustryScope, 'covers'> & { covers: string[] }>;
  prefectures: Prefecture[];
  topics: Array<{ code: TopicCode; name: Localized }>;
};

// Fresh, mutable copies: the body is handed to serialisers that take plain JSON arrays, and a
// caller that edits it must not edit the shared tables.
export function taxonomyDocument(): TaxonomyDocument {
  return {
    industries: industryDivisions.map((division) => ({
      ...division,
      groups: industryGroups.filter((g) => g.division === division.code),
    })),
    industryScopes: industryScopes.map((scope) => ({ ...scope, covers: [...scope.covers] })),
    prefectures: [...prefectures],
    topics: [...topics],
  };
}
