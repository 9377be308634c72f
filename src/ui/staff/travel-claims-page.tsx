import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { travelModeLabels } from '../../domain/travel.ts';
import {
  type TravelClaimStatus,
  travelClaimStatuses,
  travelClaimTransition,
} from '../../domain/travel-claim-lifecycle.ts';
import type { TravelClaimBody } from '../../routes/travel-claims/schema.ts';
import { CsrfField } from '../area-page.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, Field, type FieldErrors, Notice } from '../fields.tsx';
import { readForm } from '../form-values.ts';
import { formatDateTime, formatRange } from '../format.ts';
import { named } from '../i18n/strings.ts';
import { PageNotFound, SignedOut } from '../page-errors.ts';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { yen } from './budget-panel.tsx';
import { requireStaff } from './session.ts';
import { staffPage } from './staff-page.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 50;

type Shown = {
  notice?: string;
  problem?: string;
  errors?: FieldErrors;
  status?: ContentfulStatusCode;
};

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
    return staffPage(
      c,
      { title: m.claimsTitle, area: 'reports' },
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
          <div class="table-wrap">
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
          </div>
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

  ui.get('/staff/travel-claims/:id', requireStaff, (c) =>
    claimPage(c, { notice: c.get('t').money.notices[c.req.query('notice') ?? ''] }),
  );

  ui.post('/staff/travel-claims/:id/approve', requireStaff, async (c) => {
    const id = claimId(c);
    const res = await asSignedIn(c, 'POST', `/v1/travel-claims/${id}/approve`);
    if (res.ok) return c.redirect(`/staff/travel-claims/${id}?notice=claimApproved`, 303);
    return refused(c, res.problem);
  });

  ui.post('/staff/travel-claims/:id/adjust', requireStaff, async (c) => {
    const id = claimId(c);
    const form = await readForm(c);
    const amount = form.get('approvedYen').normalize('NFKC').replace(/[,\s]/g, '');
    const res = await asSignedIn(c, 'POST', `/v1/travel-claims/${id}/adjust`, {
      approvedYen: /^\d+$/.test(amount) ? Number(amount) : amount,
      reason: form.get('reason'),
    });
    if (res.ok) return c.redirect(`/staff/travel-claims/${id}?notice=claimAdjusted`, 303);
    return refused(c, res.problem);
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

function claimId(c: Context<SignedInEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new PageNotFound();
  return id;
}

function refused(
  c: Context<SignedInEnv>,
  problem: {
    status: number;
    code: string;
    detail: string;
    errors?: { path: string; message: string }[];
  },
) {
  if (problem.status === 404) throw new PageNotFound();
  if (problem.status >= 500) throw new Error(`claim decision answered ${problem.status}`);
  return claimPage(c, {
    problem: c.get('t').money.problems[problem.code] ?? problem.detail,
    errors: Object.fromEntries((problem.errors ?? []).map((e) => [e.path, e.message])),
    status: problem.status as ContentfulStatusCode,
  });
}

async function claimPage(c: Context<SignedInEnv>, shown: Shown) {
  const t = c.get('t');
  const m = t.money;
  const claim = await readSignedIn<TravelClaimBody>(c, `/v1/travel-claims/${claimId(c)}`);
  const csrf = c.get('session').csrf;
  const errors = shown.errors ?? {};
  const open = travelClaimTransition('approve', claim.status) !== null;
  return staffPage(
    c,
    { title: m.claimTitle(claim.expert.name), area: 'reports', status: shown.status ?? 200 },
    <>
      <p>
        <a href="/staff/travel-claims">{m.backToClaims}</a>
      </p>
      <h1>{m.claimTitle(claim.expert.name)}</h1>
      {shown.notice && <Notice>{shown.notice}</Notice>}
      {shown.problem && <Alert>{shown.problem}</Alert>}
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
      <div class="table-wrap">
        <table>
          <caption>{m.legs}</caption>
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
      </div>
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
          <form method="post" action={`/staff/travel-claims/${claim.id}/approve`}>
            <CsrfField csrf={csrf} />
            <button type="submit">{m.approveButton(yen(t, claim.claimedYen))}</button>
          </form>
          <form method="post" action={`/staff/travel-claims/${claim.id}/adjust`} class="stack">
            <CsrfField csrf={csrf} />
            <h3>{m.adjustTitle}</h3>
            <Field
              t={t}
              name="approvedYen"
              label={m.approvedAmount}
              hint={m.adjustAmountHint(yen(t, claim.claimedYen))}
              required
              error={errors.approvedYen}
              control={(wiring) => (
                <input type="text" inputmode="numeric" class="short" required {...wiring} />
              )}
            />
            <Field
              t={t}
              name="reason"
              label={m.adjustReason}
              hint={m.adjustReasonHint}
              required
              error={errors.reason}
              control={(wiring) => <input type="text" maxlength={1000} required {...wiring} />}
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
