import type { Context, Hono } from 'hono';
import { latestSignInUrl } from '../../auth/sign-in-link.ts';
import type { ExpertBody } from '../../routes/experts/schema.ts';
import type { SessionBody } from '../../routes/sessions/schema.ts';
import { CsrfField } from '../area-page.tsx';
import { AvailabilityForm, availabilityValues, saveAvailability } from '../availability-form.tsx';
import { Confirm } from '../confirm.tsx';
import type { UiEnv } from '../context.ts';
import { Alert, Notice } from '../fields.tsx';
import { redirectWith, takeFlash } from '../flash.ts';
import { formValues, readForm } from '../form-values.ts';
import { dayOf, formatRange } from '../format.ts';
import type { Strings } from '../i18n/strings.ts';
import { PageNotFound } from '../page-errors.ts';
import { industryName, prefectureName, SessionBadge, topicName } from '../request-facts.tsx';
import { asSignedIn, readSignedIn, type SignedInEnv } from '../signed-in.ts';
import { AuditTrail, auditOf } from './audit-trail.tsx';
import { ExpertForm, expertErrors, expertFromForm, expertValues } from './expert-form.tsx';
import { canChange, requireReader, requireStaff } from './session.ts';
import { staffPage } from './staff-page.tsx';

const PAGE_SIZE = 100;
const LISTED = 4;
const VISITS = 20;
const AUDITED_VISITS = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Visit = SessionBody & { visit: { companyName: string } };

/** The first few of a long list, and how many more there are. */
const firstFew = (t: Strings, items: string[]) =>
  items.length > LISTED
    ? `${items.slice(0, LISTED).join(t.listSeparator)} ${t.andMore(items.length - LISTED)}`
    : items.join(t.listSeparator) || '—';

/** The office's expert pages: the list, a new expert, each expert's profile, hours and access. */
export function registerExpertPages(ui: Hono<UiEnv>) {
  ui.get('/staff/experts', requireReader, async (c) => {
    const t = c.get('t');
    const cursor = c.req.query('cursor');
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (cursor) query.set('cursor', cursor);
    const flash = await takeFlash(c);
    const page = await readSignedIn<{ items: ExpertBody[]; nextCursor: string | null }>(
      c,
      `/v1/experts?${query}`,
    );
    return staffPage(
      c,
      { title: t.expertsTitle, area: 'experts' },
      <>
        <h1>{t.expertsTitle}</h1>
        {flash.notice && <Notice>{t.notices[flash.notice]}</Notice>}
        {canChange(c) && (
          <p>
            <a class="button" href="/staff/experts/new">
              {t.newExpert}
            </a>
          </p>
        )}
        <section class="table-wrap" aria-label={t.expertsTitle} tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.industries}</th>
                <th scope="col">{t.prefectures}</th>
                <th scope="col">{t.online}</th>
                <th scope="col" class="num">
                  {t.maxVisitsPerMonth}
                </th>
                <th scope="col">{t.active}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/staff/experts/${e.id}`}>{e.name}</a>
                    <br />
                    <span class="muted">{e.affiliation}</span>
                  </th>
                  <td>{firstFew(t, e.industries)}</td>
                  <td>
                    {firstFew(
                      t,
                      e.prefectures.map((p) => prefectureName(t, p)),
                    )}
                  </td>
                  <td>{e.online ? t.yes : t.no}</td>
                  <td class="num">{e.maxVisitsPerMonth}</td>
                  <td>{e.active ? t.activeYes : t.activeNo}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <p class="actions">
          {cursor && <a href="/staff/experts">{t.firstPage}</a>}
          {page.nextCursor && (
            <a href={`/staff/experts?cursor=${encodeURIComponent(page.nextCursor)}`}>
              {t.nextPage}
            </a>
          )}
        </p>
      </>,
    );
  });

  ui.get('/staff/experts/new', requireStaff, async (c) => {
    const t = c.get('t');
    const flash = await takeFlash(c);
    const errors = flash.errors ?? {};
    return staffPage(
      c,
      { title: t.newExpert, area: 'experts', errors: Object.keys(errors).length > 0 },
      <>
        <p>
          <a href="/staff/experts">{t.backToExperts}</a>
        </p>
        <h1>{t.newExpert}</h1>
        <ExpertForm
          t={t}
          action="/staff/experts/new"
          csrf={c.get('session').csrf}
          values={
            flash.values
              ? formValues(flash.values)
              : formValues({ online: ['1'], maxVisitsPerMonth: ['8'], travelBufferMinutes: ['60'] })
          }
          errors={errors}
          submit={t.createExpert}
        />
      </>,
    );
  });
  ui.post('/staff/experts/new', requireStaff, async (c) => {
    const form = await readForm(c);
    const created = await asSignedIn<ExpertBody>(c, 'POST', '/v1/experts', expertFromForm(form));
    if (created.ok) {
      return redirectWith(c, `/staff/experts/${created.body.id}`, { notice: 'expertCreated' });
    }
    if (created.status !== 400) throw new Error(`expert create answered ${created.status}`);
    return redirectWith(c, '/staff/experts/new', {
      errors: expertErrors(c.get('t'), created.problem.errors ?? []),
      values: form.fields(),
    });
  });

  ui.get('/staff/experts/:id', requireReader, (c) => expertPage(c));

  ui.get('/staff/experts/:id/edit', requireStaff, async (c) => {
    const t = c.get('t');
    const id = expertId(c);
    const expert = await readSignedIn<ExpertBody>(c, `/v1/experts/${id}`);
    const flash = await takeFlash(c);
    const errors = flash.errors ?? {};
    return staffPage(
      c,
      { title: t.editExpert, area: 'experts', errors: Object.keys(errors).length > 0 },
      <>
        <p>
          <a href={`/staff/experts/${id}`}>{expert.name}</a>
        </p>
        <h1>{t.editExpert}</h1>
        <ExpertForm
          t={t}
          action={c.req.path}
          csrf={c.get('session').csrf}
          values={flash.values ? formValues(flash.values) : expertValues(expert)}
          errors={errors}
          submit={t.saveExpert}
        />
      </>,
    );
  });
  ui.post('/staff/experts/:id/edit', requireStaff, async (c) => {
    const id = expertId(c);
    const form = await readForm(c);
    const saved = await asSignedIn(c, 'PATCH', `/v1/experts/${id}`, expertFromForm(form));
    if (saved.ok) return redirectWith(c, `/staff/experts/${id}`, { notice: 'expertSaved' });
    if (saved.status === 404) throw new PageNotFound();
    if (saved.status !== 400) throw new Error(`expert edit answered ${saved.status}`);
    return redirectWith(c, c.req.path, {
      errors: expertErrors(c.get('t'), saved.problem.errors ?? []),
      values: form.fields(),
    });
  });

  ui.post('/staff/experts/:id/availability', requireStaff, (c) => {
    const id = expertId(c);
    return saveAvailability(c, `/v1/experts/${id}/availability`, `/staff/experts/${id}`);
  });

  ui.post('/staff/experts/:id/invite', requireStaff, async (c) => {
    const id = expertId(c);
    const invited = await asSignedIn(c, 'POST', `/v1/experts/${id}/invitations`);
    if (invited.status === 404) throw new PageNotFound();
    const t = c.get('t');
    return redirectWith(
      c,
      `/staff/experts/${id}`,
      invited.ok
        ? { notice: 'invited' }
        : { problem: t.problems[invited.problem.code] ?? invited.problem.detail },
    );
  });

  for (const [action, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    ui.get(`/staff/experts/:id/${action}`, requireStaff, async (c) => {
      const t = c.get('t');
      const id = expertId(c);
      const expert = await readSignedIn<ExpertBody>(c, `/v1/experts/${id}`);
      const title = active ? t.reactivateExpert : t.deactivateExpert;
      return staffPage(
        c,
        { title, area: 'experts' },
        <Confirm
          t={t}
          title={title}
          lead={`${expert.name} — ${active ? t.reactivateLead : t.deactivateLead}`}
          action={c.req.path}
          button={title}
          back={`/staff/experts/${id}`}
          hidden={{ csrf: c.get('session').csrf }}
        />,
      );
    });
    ui.post(`/staff/experts/:id/${action}`, requireStaff, async (c) => {
      const id = expertId(c);
      const done = await asSignedIn(c, 'PATCH', `/v1/experts/${id}`, { active });
      if (done.status === 404) throw new PageNotFound();
      if (!done.ok) throw new Error(`expert ${action} answered ${done.status}`);
      return redirectWith(c, `/staff/experts/${id}`, { notice: 'expertSaved' });
    });
  }
}

function expertId(c: Context<SignedInEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new PageNotFound();
  return id;
}

/** What was done to the expert and to their latest visits (booked, moved, reported…). */
async function expertAudit(c: Context<SignedInEnv>, id: string) {
  const latest = await readSignedIn<{ items: SessionBody[] }>(
    c,
    `/v1/experts/${id}/sessions?order=desc&limit=${AUDITED_VISITS}`,
  );
  return auditOf(c, [
    { type: 'expert', id },
    ...latest.items.map((v) => ({ type: 'session' as const, id: v.id })),
  ]);
}

async function expertPage(c: Context<SignedInEnv>) {
  const t = c.get('t');
  const id = expertId(c);
  const { db, clock, config } = c.get('deps');
  const now = clock();
  const flash = await takeFlash(c);
  const staff = canChange(c);
  const [expert, visits, trail, link] = await Promise.all([
    readSignedIn<ExpertBody>(c, `/v1/experts/${id}`),
    readSignedIn<{ items: Visit[] }>(
      c,
      `/v1/experts/${id}/sessions?from=${encodeURIComponent(now.toISOString())}&status=confirmed&limit=${VISITS}`,
    ),
    staff ? expertAudit(c, id) : Promise.resolve([]),
    flash.notice === 'invited' ? latestSignInUrl(db, config, id, now) : Promise.resolve(undefined),
  ]);
  const today = dayOf(now.getTime());
  const errors = flash.errors ?? {};
  const csrf = c.get('session').csrf;
  return staffPage(
    c,
    { title: expert.name, area: 'experts', errors: Object.keys(errors).length > 0 },
    <>
      <p>
        <a href="/staff/experts">{t.backToExperts}</a>
      </p>
      <h1>{expert.name}</h1>
      {flash.notice && <Notice>{t.notices[flash.notice]}</Notice>}
      {flash.problem && <Alert>{flash.problem}</Alert>}
      {link && (
        <section class="panel" aria-labelledby="invite-link-title">
          <h2 id="invite-link-title">{t.inviteLinkTitle}</h2>
          <p>{t.inviteLinkLead}</p>
          <p class="token-box">
            <code>{link}</code>
          </p>
        </section>
      )}
      <section class="panel" aria-labelledby="profile-title">
        <h2 id="profile-title">{t.expertProfile}</h2>
        <dl class="facts">
          <dt>{t.affiliation}</dt>
          <dd>{expert.affiliation || '—'}</dd>
          <dt>{t.email}</dt>
          <dd>{expert.email}</dd>
          <dt>{t.industries}</dt>
          <dd>
            {expert.industries.map((code) => industryName(t, code)).join(t.listSeparator) || '—'}
          </dd>
          <dt>{t.topicsLabel}</dt>
          <dd>{expert.topics.map((code) => topicName(t, code)).join(t.listSeparator) || '—'}</dd>
          <dt>{t.prefectures}</dt>
          <dd>
            {expert.prefectures.map((code) => prefectureName(t, code)).join(t.listSeparator) || '—'}
          </dd>
          <dt>{t.online}</dt>
          <dd>{expert.online ? t.yes : t.no}</dd>
          <dt>{t.maxVisitsPerMonth}</dt>
          <dd>{t.visits(expert.maxVisitsPerMonth)}</dd>
          <dt>{t.travelBuffer}</dt>
          <dd>{t.minutes(expert.travelBufferMinutes)}</dd>
          <dt>{t.active}</dt>
          <dd>{expert.active ? t.activeYes : t.activeNo}</dd>
        </dl>
        {staff && (
          <p class="actions">
            <a class="button secondary" href={`/staff/experts/${id}/edit`}>
              {t.editExpert}
            </a>
            {expert.active ? (
              <a class="button danger" href={`/staff/experts/${id}/deactivate`}>
                {t.deactivateExpert}
              </a>
            ) : (
              <a href={`/staff/experts/${id}/reactivate`}>{t.reactivateExpert}</a>
            )}
          </p>
        )}
      </section>
      {staff && expert.active && (
        <section class="panel" aria-labelledby="invite-title">
          <h2 id="invite-title">{t.inviteTitle}</h2>
          <p>{t.inviteLead}</p>
          <form method="post" action={`/staff/experts/${id}/invite`}>
            <CsrfField csrf={csrf} />
            <button type="submit" class="secondary">
              {t.inviteButton}
            </button>
          </form>
        </section>
      )}
      <section aria-labelledby="expert-visits-title">
        <h2 id="expert-visits-title">{t.upcomingVisits}</h2>
        {visits.items.length === 0 ? (
          <p>{t.noUpcomingVisits}</p>
        ) : (
          <ul class="reasons">
            {visits.items.map((v) => (
              <li>
                <a href={`/staff/requests/${v.requestId}`}>
                  {`${formatRange(t, v.start, v.end)} ${v.visit.companyName}`}
                </a>{' '}
                <SessionBadge t={t} status={v.status} />
              </li>
            ))}
          </ul>
        )}
      </section>
      {staff && (
        <section aria-labelledby="hours-title">
          <h2 id="hours-title">{t.availabilityTitle}</h2>
          <div class="panel">
            <AvailabilityForm
              t={t}
              action={`/staff/experts/${id}/availability`}
              csrf={csrf}
              values={
                flash.values
                  ? formValues(flash.values)
                  : availabilityValues(expert.availability, today)
              }
              errors={errors}
              today={today}
            />
          </div>
        </section>
      )}
      {staff && <AuditTrail t={t} events={trail} linkVisits />}
    </>,
  );
}
