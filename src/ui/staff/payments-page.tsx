import type { Context, Hono } from 'hono';
import { fiscalYearOf, tokyoDate } from '../../domain/time.ts';
import type { Problem } from '../../http/errors.ts';
import type { PaymentReport } from '../../routes/payments/schema.ts';
import { CsrfField } from '../area-page.tsx';
import { Confirm } from '../confirm.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, Notice } from '../fields.tsx';
import { type Flash, redirectWith, takeFlash } from '../flash.ts';
import { readForm } from '../form-values.ts';
import { formatDateTime, formatRange } from '../format.ts';
import { PageNotFound, SignedOut } from '../page-errors.ts';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { yen } from './budget-panel.tsx';
import { fiscalYearParam } from './fees-page.tsx';
import { moneyPage } from './money-page.tsx';
import { requireStaff } from './session.ts';

// A month's payments: what each expert is paid, what waits (a visit to confirm, a claim to
// decide), the export that pays it (after a page that says what it will pay), and its CSV and
// 全銀 file. Every form answers with a redirect back to the month, carrying what happened.

const FISCAL_MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function monthParam(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const month = Number(value);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new PageNotFound();
  return month;
}

/** The fiscal year and month asked for, or the month before this one. */
function period(c: Context<SignedInEnv>, source: (name: string) => string | undefined) {
  const now = c.get('deps').clock();
  const lastMonth = new Date(`${tokyoDate(now).slice(0, 7)}-01T00:00:00+09:00`);
  lastMonth.setUTCDate(0);
  const month = monthParam(source('month'), Number(tokyoDate(lastMonth).slice(5, 7)));
  const fy = fiscalYearParam(source('fiscalYear'), fiscalYearOf(lastMonth));
  return { fy, month };
}

const here = (fy: number, month: number) => `/staff/payments?fiscalYear=${fy}&month=${month}`;

export function registerPaymentPages(ui: Hono<UiEnv>) {
  ui.get('/staff/payments', requireStaff, async (c) => {
    const { fy, month } = period(c, (name) => c.req.query(name));
    return paymentsPage(c, fy, month, await takeFlash(c));
  });

  // Exporting marks the month's visits paid, which cannot be undone: this page says what it
  // will pay first, and its form does it.
  ui.get('/staff/payments/export', requireStaff, async (c) => {
    const t = c.get('t');
    const m = t.money;
    const { fy, month } = period(c, (name) => c.req.query(name));
    const transferDate = c.req.query('transferDate') ?? '';
    const report = await readSignedIn<PaymentReport>(
      c,
      `/v1/reports/payments?fiscalYear=${fy}&month=${month}`,
    );
    const payees = report.experts.filter((e) => e.dueNetYen > 0).length;
    return moneyPage(
      c,
      { title: m.exportConfirmTitle(report.month), tab: 'payments' },
      <Confirm
        t={t}
        title={m.exportConfirmTitle(report.month)}
        lead={m.exportConfirmLead(
          yen(t, report.totals.dueNetYen),
          payees,
          transferDate === '' ? null : transferDate,
        )}
        action="/staff/payments/export"
        button={m.exportButton(yen(t, report.totals.dueNetYen))}
        back={here(fy, month)}
        hidden={{
          csrf: c.get('session').csrf,
          fiscalYear: String(fy),
          month: String(month),
          transferDate,
        }}
      />,
    );
  });

  ui.post('/staff/payments/export', requireStaff, async (c) => {
    const form = await readForm(c);
    const { fy, month } = period(c, (name) => form.get(name));
    const transferDate = form.get('transferDate');
    const res = await asSignedIn<{ sequence: number }>(c, 'POST', '/v1/payments/exports', {
      fiscalYear: fy,
      month,
      ...(transferDate ? { transferDate } : {}),
    });
    if (res.ok) {
      return redirectWith(c, here(fy, month), {
        notice: res.status === 201 ? 'exported' : 'nothingNew',
      });
    }
    return refused(c, fy, month, res.problem);
  });

  ui.post('/staff/payments/attendance', requireStaff, async (c) => {
    const form = await readForm(c);
    const { fy, month } = period(c, (name) => form.get(name));
    const sessionId = form.get('sessionId');
    if (!UUID.test(sessionId)) throw new PageNotFound();
    const res = await asSignedIn(c, 'POST', `/v1/sessions/${sessionId}/attendance`, {
      agree: true,
      comment: form.get('comment'),
    });
    if (res.ok) return redirectWith(c, here(fy, month), { notice: 'confirmedForCompany' });
    return refused(c, fy, month, res.problem);
  });

  // The API's files as they are (their names, BOM, Shift_JIS), for links a browser follows.
  ui.get('/staff/payments/file', requireStaff, async (c) => {
    const { fy, month } = period(c, (name) => c.req.query(name));
    const format = c.req.query('format') === 'zengin' ? 'zengin' : 'csv';
    const query = new URLSearchParams({ fiscalYear: String(fy), month: String(month), format });
    const sequence = c.req.query('export');
    if (sequence && /^\d{1,6}$/.test(sequence)) query.set('export', sequence);
    const res = await c
      .get('api')
      .raw(`/v1/reports/payments?${query}`, { principal: c.get('session').principal });
    if (res.status === 401) throw new SignedOut();
    if (!res.ok) throw new PageNotFound();
    return res;
  });
}

function refused(c: Context<SignedInEnv>, fy: number, month: number, problem: Problem) {
  if (problem.status >= 500 && problem.code !== 'not-available') {
    throw new Error(`payments answered ${problem.status} ${problem.code}`);
  }
  const t = c.get('t');
  const details = (problem.errors ?? []).map((e) => e.message);
  const message = t.money.problems[problem.code] ?? problem.detail;
  return redirectWith(c, here(fy, month), {
    problem:
      details.length > 0
        ? `${message}${t.matching.inParens(details.join(t.listSeparator))}`
        : message,
  });
}

async function paymentsPage(c: Context<SignedInEnv>, fy: number, month: number, flash: Flash) {
  const t = c.get('t');
  const m = t.money;
  const report = await readSignedIn<PaymentReport>(
    c,
    `/v1/reports/payments?fiscalYear=${fy}&month=${month}`,
  );
  const csrf = c.get('session').csrf;
  const current = fiscalYearOf(c.get('deps').clock());
  const waiting = report.experts.flatMap((e) =>
    e.visits
      .filter((v) => v.fee.waiting && v.fee.waiting !== 'not-completed')
      .map((v) => ({ expert: e, visit: v })),
  );
  const payable = report.experts.some((e) =>
    e.visits.some((v) => v.fee.status === 'payable' || v.travel?.status === 'payable'),
  );
  const file = (format: 'csv' | 'zengin', sequence?: number) =>
    `/staff/payments/file?fiscalYear=${fy}&month=${month}&format=${format}${sequence ? `&export=${sequence}` : ''}`;
  const notice = flash.notice && m.notices[flash.notice];
  return moneyPage(
    c,
    { title: m.paymentsTitle(report.month), tab: 'payments' },
    <>
      <h1>{m.paymentsTitle(report.month)}</h1>
      {notice && <Notice>{notice}</Notice>}
      {flash.problem && <Alert>{flash.problem}</Alert>}
      <form method="get" action="/staff/payments" class="inline-form panel">
        <div class="field">
          <label for="fiscalYear">{t.fiscalYear}</label>
          <select id="fiscalYear" name="fiscalYear">
            {[current, current - 1, current - 2, current - 3, current - 4, current - 5].map((y) => (
              <option value={String(y)} selected={y === fy}>
                {m.fiscalYearShort(y)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="month">{t.month}</label>
          <select id="month" name="month">
            {FISCAL_MONTHS.map((mo) => (
              <option value={String(mo)} selected={mo === month}>
                {t.monthShort(mo)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t.show}</button>
      </form>

      {report.experts.length === 0 ? (
        <p>{m.noVisitsThisMonth}</p>
      ) : (
        <section class="table-wrap" aria-labelledby="payments-caption" tabindex={0}>
          <table id="payments">
            <caption id="payments-caption">{m.paymentsCaption(report.label, report.month)}</caption>
            <thead>
              <tr>
                <th scope="col">{m.expert}</th>
                <th scope="col" class="num">
                  {m.confirmedVisits}
                </th>
                <th scope="col" class="num">
                  {m.billableHours}
                </th>
                <th scope="col" class="num">
                  {m.fee}
                </th>
                <th scope="col" class="num">
                  {m.travel}
                </th>
                <th scope="col" class="num">
                  {m.withholding}
                </th>
                <th scope="col" class="num">
                  {m.net}
                </th>
                <th scope="col" class="num">
                  {m.paid}
                </th>
                <th scope="col" class="num">
                  {m.due}
                </th>
              </tr>
            </thead>
            <tbody>
              {report.experts.map((e) => (
                <tr>
                  <th scope="row">
                    {e.name}
                    {e.feeExempt && <span class="muted">{` ${m.feeExemptMark}`}</span>}
                    {!e.hasBankAccount && (
                      <>
                        <br />
                        <span class="error">{m.noBankAccount}</span>
                      </>
                    )}
                  </th>
                  <td class="num">{e.confirmedVisits}</td>
                  <td class="num">{t.hours(String(e.billableHours))}</td>
                  <td class="num">{yen(t, e.feeYen)}</td>
                  <td class="num">{yen(t, e.travelYen)}</td>
                  <td class="num">{yen(t, e.withholdingYen)}</td>
                  <td class="num">{yen(t, e.netYen)}</td>
                  <td class="num">{yen(t, e.paidNetYen)}</td>
                  <td class="num">{yen(t, e.dueNetYen)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{m.total}</th>
                <td class="num">{report.totals.confirmedVisits}</td>
                <td class="num">{t.hours(String(report.totals.billableHours))}</td>
                <td class="num">{yen(t, report.totals.feeYen)}</td>
                <td class="num">{yen(t, report.totals.travelYen)}</td>
                <td class="num">{yen(t, report.totals.withholdingYen)}</td>
                <td class="num">{yen(t, report.totals.netYen)}</td>
                <td class="num">{yen(t, report.totals.paidNetYen)}</td>
                <td class="num">{yen(t, report.totals.dueNetYen)}</td>
              </tr>
            </tfoot>
          </table>
        </section>
      )}

      {(waiting.length > 0 || report.waiting.undecidedClaims > 0) && (
        <section class="panel" aria-labelledby="waiting-title">
          <h2 id="waiting-title">{m.waitingTitle}</h2>
          {report.waiting.undecidedClaims > 0 && (
            <p>
              <a href="/staff/travel-claims?status=submitted">
                {m.undecidedClaims(report.waiting.undecidedClaims)}
              </a>
            </p>
          )}
          {waiting.length > 0 && (
            <ul class="matches">
              {waiting.map(({ expert, visit }) => (
                <li class="match">
                  <h3>{`${visit.companyName} — ${expert.name}`}</h3>
                  <p>
                    {[
                      formatRange(t, visit.start, visit.end),
                      visit.fee.waiting === 'disputed' ? m.disputed : m.awaitingConfirmation,
                    ].join(t.listSeparator)}
                  </p>
                  {visit.attendanceComment && (
                    <p class="pre-line">{`${m.companyComment}: ${visit.attendanceComment}`}</p>
                  )}
                  <form method="post" action="/staff/payments/attendance" class="inline-form">
                    <CsrfField csrf={csrf} />
                    <input type="hidden" name="fiscalYear" value={String(fy)} />
                    <input type="hidden" name="month" value={String(month)} />
                    <input type="hidden" name="sessionId" value={visit.sessionId} />
                    <div class="field">
                      <label for={`note-${visit.sessionId}`}>{m.confirmNote}</label>
                      <input
                        type="text"
                        id={`note-${visit.sessionId}`}
                        name="comment"
                        maxlength={2000}
                        required
                      />
                    </div>
                    <button type="submit" class="secondary">
                      {m.confirmForCompany}
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      <section class="panel" aria-labelledby="export-title">
        <h2 id="export-title">{m.exportTitle}</h2>
        <p>{m.exportLead}</p>
        {payable ? (
          <form method="get" action="/staff/payments/export" class="inline-form">
            <input type="hidden" name="fiscalYear" value={String(fy)} />
            <input type="hidden" name="month" value={String(month)} />
            <div class="field">
              <label for="transferDate">{m.transferDate}</label>
              <span class="hint" id="transferDate-hint">
                {m.transferDateHint}
              </span>
              <input
                type="date"
                id="transferDate"
                name="transferDate"
                aria-describedby="transferDate-hint"
              />
            </div>
            <button type="submit">{m.exportButton(yen(t, report.totals.dueNetYen))}</button>
          </form>
        ) : (
          <p>{m.nothingDue}</p>
        )}
        <ul class="downloads">
          <li>
            <a href={file('csv')} download>
              {m.csvDownload}
            </a>
          </li>
          {report.exports.map((e) => (
            <li>
              {e.sha256 ? (
                <a href={file('zengin', e.sequence)} download>
                  {m.zenginDownload(e.sequence, e.transferDate, yen(t, e.totalYen))}
                </a>
              ) : (
                m.noTransfers(e.sequence)
              )}
              <span class="muted">{` ${formatDateTime(t, e.createdAt)}`}</span>
            </li>
          ))}
        </ul>
      </section>
    </>,
  );
}
