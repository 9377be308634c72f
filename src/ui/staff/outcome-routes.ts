import type { Hono } from 'hono';
import type { UiEnv } from '../context.ts';
import { PageNotFound, SignedOut } from '../page-errors.ts';
import { companyPage, recordCertification } from './company-page.tsx';
import { requireReader, requireStaff } from './session.ts';

/** The office's outcome pages: a company's record and certifications, and the report's CSV. */
export function registerOutcomeStaffPages(ui: Hono<UiEnv>) {
  ui.get('/staff/companies/:id', requireStaff, companyPage);
  ui.post('/staff/companies/:id/certifications', requireStaff, recordCertification);

  // The API's CSV as it is (UTF-8 with BOM, its file name), for a link a browser can follow.
  ui.get('/staff/reports/outcomes.csv', requireReader, async (c) => {
    const query = new URLSearchParams({
      fiscalYear: c.req.query('fiscalYear') ?? '',
      breakdown: c.req.query('breakdown') ?? '',
      format: 'csv',
    });
    const res = await c
      .get('api')
      .raw(`/v1/reports/outcomes?${query}`, { principal: c.get('session').principal });
    if (res.status === 401) throw new SignedOut();
    if (!res.ok) throw new PageNotFound();
    return res;
  });
}
