import { certificationBody } from '../../domain/certification.ts';
import { industryScopes } from '../../domain/industry-scopes.ts';
import type { Conflict, MatchFactor } from '../../domain/matching.ts';
import { formatDateTime } from '../format.ts';
import { named, type Strings } from '../i18n/strings.ts';
import { industryName, prefectureName } from '../request-facts.tsx';

/** A factor as the API sends it: instants as strings. */
export type FactorBody =
  | Exclude<MatchFactor, { kind: 'earliest' }>
  | { kind: 'earliest'; start: string; points: number };

export type ExcludedExpert = {
  expert: { id: string; name: string; affiliation: string };
  conflict: Conflict;
};

/** A match's factors worded in the page's language, each with the points it adds. */
export function FactorList({ t, factors }: { t: Strings; factors: FactorBody[] }) {
  return (
    <ul class="reasons" aria-label={t.matching.factors}>
      {factors.map((factor) => (
        <li>
          {factorText(t, factor)}
          {factor.points > 0 && (
            <span class="muted">{` ${t.matching.points(roundTenth(factor.points))}`}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

function factorText(t: Strings, factor: FactorBody): string {
  const m = t.matching;
  switch (factor.kind) {
    case 'industry': {
      if (factor.fit === 'scope') {
        const scope = industryScopes.find((s) => s.code === factor.code);
        return m.industryScope(scope ? named(t, scope.name) : factor.code);
      }
      const industry = industryName(t, factor.code);
      return factor.fit === 'group' ? m.industryGroup(industry) : m.industryDivision(industry);
    }
    case 'topics':
      return m.topics(factor.covered, factor.requested);
    case 'format':
      return factor.prefectureCode === null
        ? m.online
        : m.onsite(prefectureName(t, factor.prefectureCode));
    case 'continuity':
      return m.continuity;
    case 'load':
      return m.load(factor.visits);
    case 'earliest':
      return m.earliest(formatDateTime(t, factor.start));
  }
}

const roundTenth = (points: number) => String(Math.round(points * 10) / 10);

/** The experts a conflict of interest keeps from the company, and why. */
export function ExcludedList({ t, excluded }: { t: Strings; excluded: ExcludedExpert[] }) {
  if (excluded.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="excluded-title">
      <h3 id="excluded-title">{t.matching.excludedTitle}</h3>
      <p>{t.matching.excludedLead}</p>
      <ul class="reasons">
        {excluded.map(({ expert, conflict }) => (
          <li>
            {expert.name}
            {expert.affiliation && t.matching.inParens(expert.affiliation)}
            {` — ${conflictText(t, conflict)}`}
          </li>
        ))}
      </ul>
    </section>
  );
}

function conflictText(t: Strings, conflict: Conflict): string {
  if (conflict.kind === 'listed') return t.matching.declaredConflict;
  const body = certificationBody(conflict.bodyId);
  return t.matching.bodyConflict(
    body ? named(t, body.name) : conflict.bodyId,
    conflict.status === 'certified',
  );
}
