import type { Context } from 'hono';

/** A posted application/x-www-form-urlencoded form, read as strings. */
export type FormValues = {
  get: (name: string) => string;
  all: (name: string) => string[];
};

export const emptyForm: FormValues = { get: () => '', all: () => [] };

export async function readForm(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody({ all: true });
  const all = (name: string) =>
    [body[name] ?? []].flat().filter((v): v is string => typeof v === 'string');
  return { get: (name) => all(name)[0]?.trim() ?? '', all };
}
