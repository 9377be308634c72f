import type { Context, Hono } from 'hono';
import { fiscalYearOf } from '../../domain/time.ts';
import { MAX_RECEIPT_BYTES, RECEIPT_TYPES } from '../../domain/travel.ts';
import type { Problem } from '../../http/errors.ts';
import type { FeeRatesBody } from '../../routes/fees/schema.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import type { TravelClaimBody } from '../../routes/travel-claims/schema.ts';
import { CsrfField } from '../area-page.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, ErrorSummary, Notice } from '../fields.tsx';
import { redirectWith, takeFlash } from '../flash.ts';
import { formValues, readForm } from '../form-values.ts';
import { formatDateTime, formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { PageNotFound, SignedOut } from '../page-errors.ts';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { yen } from '../staff/budget-panel.tsx';
import { expertPage } from './expert-page.tsx';
import { requireExpert } from './session.ts';
import { claimFieldErrors, TravelClaimForm, travelClaimBody } from './travel-claim-form.tsx';

// The expert's travel claims (旅費): on a completed on-site visit's page they claim, change the
// claim until the office decides, attach receipts (one file a post, multipart: the page body
// limit is raised for that path alone, page-guards.ts), and read the decision; a list shows
// all their claims and where each stands. Every form answers with a redirect back here.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Visit = SessionBody & { visit: { companyName: string } };
type ClaimPage = { items: TravelClaimBody[]; nextCursor: string | null };

const travelPath = (visitId: string) => `/expert/visits/${visitId}/travel`;

function idParam(c: Context<SignedInEnv>, name: string): string {
  const id = c.req.param(name) ?? '';
  if (!UUID.test(id)) throw new PageNotFound();
  return id;
}

/** The expert's visit, with the company's name: the visits list from its start holds it first. */
async function visitOf(c: Context<SignedInEnv>, id: string): Promise<Visit> {
  const session = await readSignedIn<SessionBody>(c, `/v1/sessions/${id}`);
  const mine = await readSignedIn<{ items: Visit[] }>(
    c,
    `/v1/me/sessions?from=${encodeURIComponent(session.start)}&limit=1`,
  );
  const visit = mine.items.find((v) => v.id === id);
  if (!visit) throw new PageNotFound();
  return visit;
}

/** The expert's claim for the visit, if there is one (a visit has at most one). */
async function claimOf(c: Context<SignedInEnv>, visitId: string) {
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const page: ClaimPage = await readSignedIn<ClaimPage>(c, `/v1/me/travel-claims?${query}`);
    const claim = page.items.find((item) => item.sessionId === visitId);
    if (claim) return claim;
    cursor = page.nextCursor;
  } while (cursor);
  return undefined;
}

function ClaimStatus({ t, claim }: { t: Strings; claim: TravelClaimBody }) {
  return (
    <span class={`badge ${claim.status === 'submitted' ? 'received' : 'completed'}`}>
      {t.money.myClaimStatus[claim.status]}
    </span>
  );
}

/** A receipt's name as the API keeps it: one line of at most 200 characters. */
const receiptName = (name: string) =>
  name
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 200);

export function registerExpertTravelClaims(ui: Hono<UiEnv>) {
  ui.get('/expert/travel-claims', requireExpert, async (c) => {
    const t = c.get('t');
    const m = t.money;
    const cursor = c.req.query('cursor');
    const query = new URLSearchParams({ limit: '50', ...(cursor ? { cursor } : {}) });
    const page = await readSignedIn<ClaimPage>(c, `/v1/me/travel-claims?${query}`);
    return expertPage(
      c,
      { title: m.myClaimsTitle, area: 'visits' },
      <>
        <p>
          <a href="/expert">{t.navVisits}</a>
        </p>
        <h1>{m.myClaimsTitle}</h1>
        {page.items.length === 0 ? (
          <p>{m.noMyClaims}</p>
        ) : (
          <section class="table-wrap" aria-labelledby="my-claims-caption" tabindex={0}>
            <table id="my-claims">
              <caption id="my-claims-caption">{m.myClaimsTitle}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.visit}</th>
                  <th scope="col">{m.company}</th>
                  <th scope="col" class="num">
                    {m.claimed}
                  </th>
                  <th scope="col" class="num">
                    {m.approvedAmount}
                  </th>
                  <th scope="col">{m.status}</th>
                  <th scope="col">{m.adjustReason}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((claim) => (
                  <tr>
                    <th scope="row">
                      <a href={travelPath(claim.sessionId)}>
                        {formatRange(t, claim.visit.start, claim.visit.end)}
                      </a>
                    </th>
                    <td>{claim.visit.companyName}</td>
                    <td class="num">{yen(t, claim.claimedYen)}</td>
                    <td class="num">
                      {claim.approvedYen === null ? '—' : yen(t, claim.approvedYen)}
                    </td>
                    <td>
                      <ClaimStatus t={t} claim={claim} />
                      {claim.paid && ` ${m.paidMark}`}
                    </td>
                    <td>{claim.decisionReason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        {page.nextCursor && (
          <p class="actions">
            <a href={`/expert/travel-claims?cursor=${encodeURIComponent(page.nextCursor)}`}>
              {t.nextPage}
            </a>
          </p>
        )}
      </>,
    );
  });

  ui.get('/expert/visits/:id/travel', requireExpert, async (c) => {
    const t = c.get('t');
    const m = t.money;
    const id = idParam(c, 'id');
    const visit = await visitOf(c, id);
    if (visit.format !== 'onsite') throw new PageNotFound();
    const [claim, rates, flash] = await Promise.all([
      claimOf(c, id),
      readSignedIn<FeeRatesBody>(c, `/v1/fees/${fiscalYearOf(new Date(visit.start))}`),
      takeFlash(c),
    ]);
    const csrf = c.get('session').csrf;
    const errors = flash.errors ?? {};
    const open = claim === undefined || claim.status === 'submitted';
    const notice = flash.notice && m.notices[flash.notice];
    return expertPage(
      c,
      { title: m.claimFormTitle, area: 'visits', errors: Object.keys(errors).length > 0 },
      <>
        <p>
          <a href="/expert">{t.navVisits}</a>
          {' | '}
          <a href="/expert/travel-claims">{m.myClaimsTitle}</a>
        </p>
        <h1>{m.claimFormTitle}</h1>
        {notice && <Notice>{notice}</Notice>}
        {flash.problem && <Alert>{flash.problem}</Alert>}
        {/* A receipt sent back; the claim form sent back has the summary of its own. */}
        {!flash.values && <ErrorSummary title={m.checkFields} errors={errors} />}
        {visit.status !== 'completed' && <p>{m.claimAfterReport}</p>}
        {claim && (
          <section class="panel" aria-labelledby="my-claim">
            <h2 id="my-claim">{m.claimDetails}</h2>
            <dl class="facts">
              <dt>{m.status}</dt>
              <dd id="claim-status">
                <ClaimStatus t={t} claim={claim} />
                {claim.paid && ` ${m.paidMark}`}
              </dd>
              <dt>{m.claimed}</dt>
              <dd>{yen(t, claim.claimedYen)}</dd>
              {claim.approvedYen !== null && (
                <>
                  <dt>{m.approvedAmount}</dt>
                  <dd>{yen(t, claim.approvedYen)}</dd>
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
            {claim.status === 'submitted' && <p>{m.claimWaiting}</p>}
          </section>
        )}
        {claim && (
          <section class="panel" aria-labelledby="receipts-title">
            <h2 id="receipts-title">{m.receipts}</h2>
            {claim.receipts.length === 0 ? (
              <p>{m.noReceipts}</p>
            ) : (
              <ul>
                {claim.receipts.map((r) => (
                  <li>
                    <a href={`/expert/travel-claims/${claim.id}/receipts/${r.id}`} download>
                      {r.filename}
                    </a>
                    <span class="muted">{` ${m.kilobytes(Math.ceil(r.sizeBytes / 1024))}`}</span>
                  </li>
                ))}
              </ul>
            )}
            {open && (
              <form
                method="post"
                action={`${travelPath(id)}/receipts`}
                enctype="multipart/form-data"
                class="stack"
              >
                <CsrfField csrf={csrf} />
                <div class={errors.receipt ? 'field invalid' : 'field'}>
                  <label for="receipt">{m.receiptFile}</label>
                  <span class="hint" id="receipt-hint">
                    {m.receiptHint}
                  </span>
                  {errors.receipt && (
                    <span class="error" id="receipt-error">
                      {errors.receipt}
                    </span>
                  )}
                  <input
                    type="file"
                    id="receipt"
                    name="receipt"
                    accept={[...RECEIPT_TYPES, '.pdf', '.jpg', '.jpeg', '.png'].join(',')}
                    required
                    aria-describedby={
                      errors.receipt ? 'receipt-hint receipt-error' : 'receipt-hint'
                    }
                    {...(errors.receipt ? { 'aria-invalid': 'true' } : {})}
                  />
                </div>
                <button type="submit" class="secondary">
                  {m.attachReceipt}
                </button>
              </form>
            )}
          </section>
        )}
        {open && visit.status === 'completed' && (
          <section class="panel" aria-label={m.claimFormTitle}>
            <TravelClaimForm
              t={t}
              action={travelPath(id)}
              hidden={{ csrf }}
              visit={{ start: visit.start, end: visit.end, companyName: visit.visit.companyName }}
              claim={claim}
              limits={rates}
              values={flash.values ? formValues(flash.values) : undefined}
              errors={flash.values ? errors : {}}
            />
          </section>
        )}
      </>,
    );
  });

  ui.post('/expert/visits/:id/travel', requireExpert, async (c) => {
    const id = idParam(c, 'id');
    const form = await readForm(c);
    const body = travelClaimBody(form);
    const claim = await claimOf(c, id);
    const res = claim
      ? await asSignedIn(c, 'PUT', `/v1/me/travel-claims/${claim.id}`, body)
      : await asSignedIn(c, 'POST', '/v1/me/travel-claims', { sessionId: id, ...body });
    if (res.ok) {
      return redirectWith(c, travelPath(id), { notice: claim ? 'claimChanged' : 'claimSubmitted' });
    }
    return sentBack(c, id, res.problem, { values: form.fields() });
  });

  ui.post('/expert/visits/:id/travel/receipts', requireExpert, async (c) => {
    const m = c.get('t').money;
    const id = idParam(c, 'id');
    const claim = await claimOf(c, id);
    if (!claim) throw new PageNotFound();
    const file = (await c.req.parseBody({ all: true })).receipt;
    const refuse = (message: string) =>
      redirectWith(c, travelPath(id), { errors: { receipt: message } });
    if (!(file instanceof File) || file.size === 0) return refuse(m.receiptMissing);
    if (file.size > MAX_RECEIPT_BYTES) return refuse(m.receiptTooLarge);
    if (!(RECEIPT_TYPES as readonly string[]).includes(file.type)) {
      return refuse(m.receiptWrongType);
    }
    const query = new URLSearchParams({ filename: receiptName(file.name) });
    const res = await c
      .get('api')
      .json('POST', `/v1/me/travel-claims/${claim.id}/receipts?${query}`, {
        principal: c.get('session').principal,
        file: { type: file.type, bytes: new Uint8Array(await file.arrayBuffer()) },
      });
    if (res.status === 401) throw new SignedOut();
    if (res.ok) return redirectWith(c, travelPath(id), { notice: 'receiptAttached' });
    if (res.problem.code === 'validation-failed') return refuse(m.receiptUnreadable);
    return sentBack(c, id, res.problem, {});
  });

  // The API's download as it is: attachment, nosniff, a sandboxing CSP.
  ui.get('/expert/travel-claims/:claimId/receipts/:receiptId', requireExpert, async (c) => {
    const path = `/v1/me/travel-claims/${idParam(c, 'claimId')}/receipts/${idParam(c, 'receiptId')}`;
    const res = await c.get('api').raw(path, { principal: c.get('session').principal });
    if (res.status === 401) throw new SignedOut();
    if (!res.ok) throw new PageNotFound();
    return res;
  });
}

/** Back to the visit's claim with the API's refusal and each field it names. */
function sentBack(
  c: Context<SignedInEnv>,
  id: string,
  problem: Problem,
  keep: { values?: Record<string, string[]> },
) {
  if (problem.status === 404) throw new PageNotFound();
  if (problem.status >= 500) throw new Error(`travel claim answered ${problem.status}`);
  const errors = claimFieldErrors(problem.errors);
  // Fields named: the form's error summary says what to fix; else the refusal's own words.
  return redirectWith(c, travelPath(id), {
    ...(Object.keys(errors).length > 0
      ? { errors }
      : { problem: c.get('t').money.problems[problem.code] ?? problem.detail }),
    ...keep,
  });
}
