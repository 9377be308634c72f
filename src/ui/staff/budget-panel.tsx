import type { Context } from 'hono';
import type { BudgetBody } from '../../routes/budget/schema.ts';
import { groupDigits } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { readSignedIn, type SignedInEnv } from '../signed-in.ts';

const WIDTH = 600;
const HEIGHT = 44;

// Drawn with SVG presentation attributes (fill), which the pages' CSP allows where an inline
// style would not be: the colours tell paid from promised, the text beside says the same.
const SHADES = { paid: '#1d4f91', approved: '#4f7fc0', committed: '#a9c1e3', over: '#b3261e' };

export const yen = (t: Strings, amount: number) => t.money.yen(groupDigits(amount));

/**
 * A fiscal year's budget as one bar: paid, approved and committed from the left, what
 * remains as the empty rest (past the budget, the bar runs red to the end). One image to
 * assistive technology, with the figures listed beside it.
 */
export function BudgetBar({ t, budget }: { t: Strings; budget: BudgetBody }) {
  const m = t.money;
  const amount = budget.amountYen ?? 0;
  const spent = budget.paidYen + budget.approvedYen + budget.committedYen;
  const scale = Math.max(amount, spent, 1);
  const parts = [
    { key: 'paid', label: m.paid, value: budget.paidYen, fill: SHADES.paid },
    { key: 'approved', label: m.approved, value: budget.approvedYen, fill: SHADES.approved },
    { key: 'committed', label: m.committed, value: budget.committedYen, fill: SHADES.committed },
  ];
  let x = 0;
  const id = `budget-${budget.fiscalYear}`;
  const description = m.budgetDescription(
    yen(t, amount),
    parts.map((p) => `${p.label} ${yen(t, p.value)}`).join(t.listSeparator),
    yen(t, budget.remainingYen ?? 0),
  );
  return (
    // Focusable: on a phone the bar scrolls sideways, and a keyboard must reach it to scroll.
    <figure class="chart" tabindex={0} aria-labelledby={`${id}-title`}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        id={id}
      >
        <title id={`${id}-title`}>{m.budgetTitle(budget.label)}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <rect x={0} y={4} width={WIDTH} height={HEIGHT - 8} fill="#ffffff" stroke="#8a94a6" />
        {parts.map((part) => {
          const width = (part.value / scale) * WIDTH;
          const rect = (
            <rect
              data-key={part.key}
              data-value={part.value}
              x={x}
              y={4}
              width={width}
              height={HEIGHT - 8}
              fill={part.fill}
            >
              <title>{`${part.label} ${yen(t, part.value)}`}</title>
            </rect>
          );
          x += width;
          return rect;
        })}
        {spent > amount && amount > 0 && (
          <line
            x1={(amount / scale) * WIDTH}
            x2={(amount / scale) * WIDTH}
            y1={0}
            y2={HEIGHT}
            stroke={SHADES.over}
            stroke-width={3}
          />
        )}
      </svg>
    </figure>
  );
}

/** The figures and the bar, or a line saying no budget is set. */
export function BudgetFigures({ t, budget }: { t: Strings; budget: BudgetBody }) {
  const m = t.money;
  if (budget.amountYen === null) return <p>{m.noBudget}</p>;
  return (
    <>
      <BudgetBar t={t} budget={budget} />
      <dl class="facts" id={`budget-figures-${budget.fiscalYear}`}>
        <dt>{m.budgetAmount}</dt>
        <dd>{yen(t, budget.amountYen)}</dd>
        <dt>{m.paid}</dt>
        <dd>{yen(t, budget.paidYen)}</dd>
        <dt>{m.approved}</dt>
        <dd>{yen(t, budget.approvedYen)}</dd>
        <dt>{m.committed}</dt>
        <dd>{yen(t, budget.committedYen)}</dd>
        <dt>{m.remaining}</dt>
        <dd id={`budget-remaining-${budget.fiscalYear}`}>{yen(t, budget.remainingYen ?? 0)}</dd>
        <dt>{m.intake}</dt>
        <dd>
          {budget.intake.open
            ? budget.intakeClosesOn
              ? m.intakeOpenUntil(budget.intakeClosesOn)
              : m.intakeOpen
            : m.intakeClosedBecause[budget.intake.reason ?? 'budget']}
        </dd>
      </dl>
    </>
  );
}

/** The money pages of a fiscal year, for the panels that lead to them. */
export function MoneyLinks({ t, fiscalYear }: { t: Strings; fiscalYear: number }) {
  const m = t.money;
  return (
    <ul class="downloads">
      <li>
        <a href={`/staff/fees?fiscalYear=${fiscalYear}`}>{m.feesLink}</a>
      </li>
      <li>
        <a href="/staff/travel-claims">{m.claimsLink}</a>
      </li>
      <li>
        <a href={`/staff/payments?fiscalYear=${fiscalYear}`}>{m.paymentsLink}</a>
      </li>
    </ul>
  );
}

/** The reports page's budget panel: the year's budget as a bar, and the way to the money. */
export async function BudgetPanel({
  c,
  fiscalYear,
}: {
  c: Context<SignedInEnv>;
  fiscalYear: number;
}) {
  const t = c.get('t');
  const budget = await readSignedIn<BudgetBody>(c, `/v1/budget/${fiscalYear}`);
  return (
    <section class="panel" aria-labelledby="budget-title">
      <h2 id="budget-title">{t.money.budgetTitle(budget.label)}</h2>
      <BudgetFigures t={t} budget={budget} />
      <MoneyLinks t={t} fiscalYear={fiscalYear} />
    </section>
  );
}
