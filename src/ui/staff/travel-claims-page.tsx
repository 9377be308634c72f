import type { Context, Hono } from 'hono';
import { travelModeLabels } from '../../domain/travel.ts';
import {
  type TravelClaimStatus,
  travelClaimStatuses,
  travelClaimTransition,
} from '../../domain/travel-claim-lifecycle.ts';
import type { Problem } from '../../http/errors.ts';
import type { TravelClaimBody } from '../../routes/travel-claims/schema.ts';
import { Confirm } from '../confirm.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, ErrorSummary, Field, Notice } from '../fields.tsx';
import { type Flash, redirectWith, takeFlash } from '../flash.ts';
import { type FormValues, formValues, readForm } from '../form-values.ts';
import { formatDateTime, formatRange } from '../format.ts';
import { named } from '../i18n/strings.ts';
import { PageNotFound, SignedOut } from '../page-errors.ts';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { yen } from './budget-panel.tsx';
import { moneyPage } from './money-page.tsx';
import { requireStaff } from './session.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 50;

/** The amount as typed (full-width digits and commas allowed), or the text as it was. */
function amountOf(value: string): number | string {
  const plain = value.normalize('NFKC').replace(/[,\s円¥]/g, '');
  return /^\d+$/.test(plain) ? Number(plain) : value;
}

function ClaimBadge({ c, status }: { c: Context<SignedInEnv>; status: TravelClaimStatus }) {
  return (
    <span class={`badge ${status === 'submitted' ? 'received' : 'completed'}`}>
      {c.get('t').money.claimStatus[status]}
    </span>
  );
}

export function registerTravelClaimPages(ui: Hono<UiEnv>) {
  ui.get('/staff/travel-claims', requireStaff, async (c) => {
    const t = c.get('t');
    const m = t.money;
    const status = c.req.query('status') ?? 'submitted';
    if (status !== 'all' && !(travelClaimStatuses as readonly string[]).includes(status)) {
      throw new PageNotFound();
    }
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status !== 'all') query.set('status', status);
    const cursor = c.req.query('cursor');
    if (cursor) query.set('cursor', cursor);
    const page = await readSignedIn<{ items: TravelClaimBody[]; nextCursor: string | null }>(
      c,
      `/v1/travel-claims?${query}`,
    );
    const tabs = [...travelClaimStatuses, 'all'] as const;
    return moneyPage(
      c,
      { title: m.claimsTitle, tab: 'claims' },
      <>
        <h1>{m.claimsTitle}</h1>
        <nav aria-label={m.claimsTabs}>
          <ul class="tabs">
            {tabs.map((tab) => (
              <li>
                <a
                  href={`/staff/travel-claims?status=${tab}`}
                  aria-current={tab === status ? 'page' : undefined}
                >
                  {tab === 'all' ? t.allStatuses : m.claimStatus[tab]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {page.items.length === 0 ? (
          <p>{m.noClaims}</p>
        ) : (
          <section class="table-wrap" aria-label={m.claimsTitle} tabindex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{m.expert}</th>
                  <th scope="col">{m.visit}</th>
                  <th scope="col">{m.company}</th>
                  <th scope="col" class="num">
                    {m.claimed}
                  </th>
                  <th scope="col" class="num">
                    {m.approvedAmount}
                  </th>
                  <th scope="col">{m.status}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((claim) => (
                  <tr>
                    <th scope="row">
                      <a href={`/staff/travel-claims/${claim.id}`}>{claim.expert.name}</a>
                    </th>
                    <td>{formatRange(t, claim.visit.start, claim.visit.end)}</td>
                    <td>{claim.visit.companyName}</td>
                    <td class="num">{yen(t, claim.claimedYen)}</td>
                    <td class="num">
                      {claim.approvedYen === null ? '—' : yen(t, claim.approvedYen)}
                    </td>
                    <td>
                      <ClaimBadge c={c} status={claim.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        {page.nextCursor && (
          <p class="actions">
            <a
              href={`/staff/travel-claims?status=${status}&cursor=${encodeURIComponent(page.nextCursor)}`}
            >
              {t.nextPage}
            </a>
          </p>
        )}
      </>,
    );
  });

  ui.get('/staff/travel-claims/:id', requireStaff, async (c) => claimPage(c, await takeFlash(c)));

  // A decision is final and tells the expert: each has a page saying what it will do first,
  // whose form does it. Adjusting comes here from the claim page's form with its amount and
  // reason, carried on as the confirming form's fields.
  ui.get('/staff/travel-claims/:id/approve', requireStaff, async (c) => {
    const t = c.get('t');
    const claim = await readSignedIn<TravelClaimBody>(c, `/v1/travel-claims/${claimId(c)}`);
    return decisionPage(c, claim, {
      lead: t.money.approveConfirmLead(claim.expert.name, yen(t, claim.claimedYen)),
      action: `/staff/travel-claims/${claim.id}/approve`,
      button: t.money.approveButton(yen(t, claim.claimedYen)),
      hidden: {},
    });
  });

  ui.post('/staff/travel-claims/:id/approve', requireStaff, async (c) => {
    const id = claimId(c);
    const res = await asSignedIn(c, 'POST', `/v1/travel-claims/${id}/approve`);
    if (res.ok) return redirectWith(c, claimPath(id), { notice: 'claimApproved' });
    return refused(c, res.problem);
  });

  ui.get('/staff/travel-claims/:id/adjust', requireStaff, async (c) => {
    const t = c.get('t');
    const claim = await readSignedIn<TravelClaimBody>(c, `/v1/travel-claims/${claimId(c)}`);
    const approvedYen = c.req.query('approvedYen') ?? '';
    const reason = c.req.query('reason') ?? '';
    const amount = amountOf(approvedYen);
    return decisionPage(c, claim, {
      lead: t.money.adjustConfirmLead(
        claim.expert.name,
        yen(t, claim.claimedYen),
        typeof amount === 'number' ? yen(t, amount) : amount,
        reason,
      ),
      action: `/staff/travel-claims/${claim.id}/adjust`,
      button: t.money.adjustButton,
      hidden: { approvedYen, reason },
    });
  });

  ui.post('/staff/travel-claims/:id/adjust', requireStaff, async (c) => {
    const id = claimId(c);
    const form = await readForm(c);
    const res = await asSignedIn(c, 'POST', `/v1/travel-claims/${id}/adjust`, {
      approvedYen: amountOf(form.get('approvedYen')),
      reason: form.get('reason'),
    });
    if (res.ok) return redirectWith(c, claimPath(id), { notice: 'claimAdjusted' });
    return refused(c, res.problem, form);
  });

  // The API's download as it is: attachment, nosniff, a sandboxing CSP.
  ui.get('/staff/travel-claims/:id/receipts/:receiptId', requireStaff, async (c) => {
    const receiptId = c.req.param('receiptId');
    if (!UUID.test(receiptId)) throw new PageNotFound();
    const res = await c.get('api').raw(`/v1/travel-claims/${claimId(c)}/receipts/${receiptId}`, {
      principal: c.get('session').principal,
    });
    if (res.status === 401) throw new SignedOut();
    if (!res.ok) throw new PageNotFound();
    return res;
  });
}

const claimPath = (id: string) => `/staff/travel-claims/${id}`;

function claimId(c: Context<SignedInEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new PageNotFound();
  return id;
}

/** Back to the claim with the API's refusal, the fields it names and what was typed. */
function refused(c: Context<SignedInEnv>, problem: Problem, form?: FormValues) {
  if (problem.status === 404) throw new PageNotFound();
  if (problem.status >= 500) throw new Error(`claim decision answered ${problem.status}`);
  const errors = Object.fromEntries((problem.errors ?? []).map((e) => [e.path, e.message]));
  // Fields named: the error summary says what to fix; else the refusal's own words.
  return redirectWith(c, claimPath(claimId(c)), {
    ...(Object.keys(errors).length > 0
      ? { errors }
      : { problem: c.get('t').money.problems[problem.code] ?? problem.detail }),
    ...(form ? { values: form.fields() } : {}),
  });
}

/** The page that confirms a decision on `claim`, or the claim itself once it is decided. */
function decisionPage(
  c: Context<SignedInEnv>,
  claim: TravelClaimBody,
  step: { lead: string; action: string; button: string; hidden: Record<string, string> },
) {
  const t = c.get('t');
  if (travelClaimTransition('approve', claim.status) === null) {
    return c.redirect(claimPath(claim.id), 303);
  }
  return moneyPage(
    c,
    { title: t.money.claimTitle(claim.expert.name), tab: 'claims' },
    <Confirm
      t={t}
      title={t.money.claimTitle(claim.expert.name)}
      lead={step.lead}
      action={step.action}
      button={step.button}
      back={claimPath(claim.id)}
      hidden={{ csrf: c.get('session').csrf, ...step.hidden }}
    />,
  );
}

async function claimPage(c: Context<SignedInEnv>, flash: Flash) {
  const t = c.get('t');
  const m = t.money;
  const claim = await readSignedIn<TravelClaimBody>(c, `/v1/travel-claims/${claimId(c)}`);
  const errors = flash.errors ?? {};
  const sent = formValues(flash.values);
  const open = travelClaimTransition('approve', claim.status) !== null;
  const notice = flash.notice && m.notices[flash.notice];
  return moneyPage(
    c,
    {
      title: m.claimTitle(claim.expert.name),
      tab: 'claims',
      errors: Object.keys(errors).length > 0,
    },
    <>
      <p>
        <a href="/staff/travel-claims">{m.backToClaims}</a>
      </p>
      <h1>{m.claimTitle(claim.expert.name)}</h1>
      {notice && <Notice>{notice}</Notice>}
      {flash.problem && <Alert>{flash.problem}</Alert>}
      <ErrorSummary title={m.checkFields} errors={errors} />
      <section class="panel" aria-labelledby="claim-facts">
        <h2 id="claim-facts">{m.claimDetails}</h2>
        <dl class="facts">
          <dt>{m.status}</dt>
          <dd>
            <ClaimBadge c={c} status={claim.status} />
            {claim.paid && ` ${m.paidMark}`}
          </dd>
          <dt>{m.visit}</dt>
          <dd>{formatRange(t, claim.visit.start, claim.visit.end)}</dd>
          <dt>{m.company}</dt>
          <dd>{claim.visit.companyName}</dd>
          <dt>{m.dailyAllowance}</dt>
          <dd>{yen(t, claim.allowanceYen)}</dd>
          <dt>{m.lodging}</dt>
          <dd>{yen(t, claim.lodgingYen)}</dd>
          <dt>{m.claimed}</dt>
          <dd id="claimed">{yen(t, claim.claimedYen)}</dd>
          {claim.approvedYen !== null && (
            <>
              <dt>{m.approvedAmount}</dt>
              <dd id="approved">{yen(t, claim.approvedYen)}</dd>
            </>
          )}
          {claim.decisionReason && (
            <>
              <dt>{m.adjustReason}</dt>
              <dd>{claim.decisionReason}</dd>
            </>
          )}
          {claim.decidedAt && (
            <>
              <dt>{m.decidedAt}</dt>
              <dd>{formatDateTime(t, claim.decidedAt)}</dd>
            </>
          )}
        </dl>
      </section>
      <section class="table-wrap" aria-labelledby="legs-caption" tabindex={0}>
        <table>
          <caption id="legs-caption">{m.legs}</caption>
          <thead>
            <tr>
              <th scope="col">{m.legFrom}</th>
              <th scope="col">{m.legTo}</th>
              <th scope="col">{m.legMode}</th>
              <th scope="col" class="num">
                {m.legAmount}
              </th>
            </tr>
          </thead>
          <tbody>
            {claim.legs.map((leg) => (
              <tr>
                <td>{leg.from}</td>
                <td>{leg.to}</td>
                <td>{named(t, travelModeLabels[leg.mode])}</td>
                <td class="num">{yen(t, leg.amountYen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="panel" aria-labelledby="receipts-title">
        <h2 id="receipts-title">{m.receipts}</h2>
        {claim.receipts.length === 0 ? (
          <p>{m.noReceipts}</p>
        ) : (
          <ul>
            {claim.receipts.map((r) => (
              <li>
                <a href={`/staff/travel-claims/${claim.id}/receipts/${r.id}`} download>
                  {r.filename}
                </a>
                <span class="muted">{` (${m.kilobytes(Math.ceil(r.sizeBytes / 1024))})`}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {open && (
        <section class="panel" aria-labelledby="decide-claim">
          <h2 id="decide-claim">{m.decideClaim}</h2>
          <p>{m.decideClaimLead}</p>
          <p class="actions">
            <a class="button" href={`/staff/travel-claims/${claim.id}/approve`}>
              {m.approveButton(yen(t, claim.claimedYen))}
            </a>
          </p>
          <form method="get" action={`/staff/travel-claims/${claim.id}/adjust`} class="stack">
            <h3>{m.adjustTitle}</h3>
            <Field
              t={t}
              name="approvedYen"
              label={m.approvedAmount}
              hint={m.adjustAmountHint(yen(t, claim.claimedYen))}
              required
              error={errors.approvedYen}
              control={(wiring) => (
                <input
                  type="text"
                  inputmode="numeric"
                  class="short"
                  value={sent.get('approvedYen')}
                  required
                  {...wiring}
                />
              )}
            />
            <Field
              t={t}
              name="reason"
              label={m.adjustReason}
              hint={m.adjustReasonHint}
              required
              error={errors.reason}
              control={(wiring) => (
                <input
                  type="text"
                  maxlength={1000}
                  value={sent.get('reason')}
                  required
                  {...wiring}
                />
              )}
            />
            <button type="submit" class="secondary">
              {m.adjustButton}
            </button>
          </form>
        </section>
      )}
    </>,
  );
}
