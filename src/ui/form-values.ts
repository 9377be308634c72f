import type { Context } from 'hono';

/** A posted application/x-www-form-urlencoded form, read as strings. */
export type FormValues = {
  get: (name: string) => string;
  all: (name: string) => string[];
};

export const emptyForm: FormValues = { get: () => '', all: () => [] };

/**
 * Browsers send a textarea's line breaks as CRLF (HTML's form encoding); the API takes LF
 * alone in multi-line text, so the pages hand it lines the way it stores them.
 */
export async function readForm(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody({ all: true });
  const all = (name: string) =>
    [body[name] ?? []]
      .flat()
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.replace(/\r\n/g, '\n'));
  return { get: (name) => all(name)[0]?.trim() ?? '', all };
}
