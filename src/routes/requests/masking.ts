import type { RequestBody } from './schema.ts';

// A viewer (the ministry's officials) reads the programme, not its people: a company's contact
// person shows only that there is one.
export const MASKED = '***';

type Contact = { name: string; email: string; phone: string | null; nameKana?: string | null };

export function maskedContact<T extends Contact>(contact: T): T {
  return {
    ...contact,
    name: MASKED,
    email: MASKED,
    phone: contact.phone === null ? null : MASKED,
    ...(contact.nameKana === undefined
      ? {}
      : { nameKana: contact.nameKana === null ? null : MASKED }),
  };
}

/** A request as a principal may read it: masked for a viewer. */
export const requestAs = (role: string, body: RequestBody): RequestBody =>
  role === 'viewer' ? { ...body, contact: maskedContact(body.contact) } : body;
