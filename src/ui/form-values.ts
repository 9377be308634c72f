import type { Context } from 'hono';

/** A posted application/x-www-form-urlencoded form, read as strings. */
export type FormValues = {
  get: (name: string) => string;
  all: (name: string) => string[];
  /** Every field, for a form sent back through a flash. */
  fields: () => Record<string, string[]>;
};

/** Fields as a form: from a flash, or none. */
export function formValues(fields: Record<string, string[]> = {}): FormValues {
  const all = (name: string) => fields[name] ?? [];
  return { get: (name) => all(name)[0]?.trim() ?? '', all, fields: () => fields };
}

export const emptyForm: FormValues = formValues();

/**
 * Browsers send a textarea's line breaks as CRLF (HTML's form encoding); the API takes LF
 * alone in multi-line text, so the pages hand it lines the way it stores them.
 */
export async function readForm(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody({ all: true });
  const fields: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(body)) {
    fields[name] = [value]
      .flat()
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.replace(/\r\n/g, '\n'));
  }
  return formValues(fields);
}
