import type { FormValues } from '../form-values.ts';
import { tokyoInputInstant } from '../format.ts';

export const WINDOW_ROWS = 5;

/** Full-width digits and hyphens are how many people type a 法人番号; the API wants 13 digits. */
export const corporateNumberDigits = (value: string) =>
  value.normalize('NFKC').replace(/[\s-]/g, '');

// A number field left as text when it is not a whole number, so the API names the field.
const wholeNumber = (value: string) => {
  const digits = value.normalize('NFKC').replace(/[,\s]/g, '');
  return /^\d{1,16}$/.test(digits) ? Number(digits) : value;
};

const optional = (value: string) => (value === '' ? undefined : value);

/**
 * The API's application body from the form. Window rows left empty are skipped, so
 * `windowRows[i]` is the form row of the body's `preferredWindows[i]`.
 */
export function applicationFrom(form: FormValues) {
  const rows = Array.from({ length: WINDOW_ROWS }, (_, row) => ({
    row,
    start: form.get(`preferredWindows.${row}.start`),
    end: form.get(`preferredWindows.${row}.end`),
  })).filter((w) => w.start !== '' || w.end !== '');
  const corporateNumber = corporateNumberDigits(form.get('company.corporateNumber'));
  const body = {
    company: {
      name: form.get('company.name'),
      corporateNumber: optional(corporateNumber),
      industryCode: form.get('company.industryCode'),
      prefectureCode: form.get('company.prefectureCode'),
      employees: wholeNumber(form.get('company.employees')),
      capitalYen: wholeNumber(form.get('company.capitalYen')),
      address: optional(form.get('company.address')),
    },
    contact: {
      name: form.get('contact.name'),
      nameKana: optional(form.get('contact.nameKana')),
      email: form.get('contact.email'),
      phone: optional(form.get('contact.phone')),
    },
    // Unticked is sent as false, so the API names the box that must be ticked.
    privacyConsent: form.get('privacyConsent') === '1',
    topics: form.all('topics'),
    format: form.get('format'),
    durationMinutes: wholeNumber(form.get('durationMinutes')),
    preferredWindows: rows.map((w) => ({
      start: tokyoInputInstant(w.start),
      end: tokyoInputInstant(w.end),
    })),
    notes: form.get('notes'),
  };
  return { body, windowRows: rows.map((w) => w.row) };
}
