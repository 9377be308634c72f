import { invalid } from './errors.ts';

export type Cursor = { at: string; id: string };

/** Opaque keyset cursors: the last row's sort key and id, base64url JSON. */
export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify(cursor)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What encodeCursor writes: an ISO instant in years 0001–9999. JavaScript also parses years
// such as +275760, which Postgres cannot hold.
const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** `idPattern` guards the id before it reaches SQL (a non-UUID would be a database error). */
export function decodeCursor(value: string | undefined, idPattern = UUID): Cursor | null {
  if (value === undefined) return null;
  try {
    const parsed = JSON.parse(atob(value.replace(/-/g, '+').replace(/_/g, '/')));
    if (
      typeof parsed?.at === 'string' &&
      typeof parsed?.id === 'string' &&
      idPattern.test(parsed.id) &&
      AT.test(parsed.at) &&
      !Number.isNaN(Date.parse(parsed.at)) &&
      parsed.at.slice(0, 4) !== '0000'
    ) {
      return { at: parsed.at, id: parsed.id };
    }
  } catch {
    // fall through to the validation error
  }
  throw invalid('cursor', 'is not a cursor this API returned');
}

/** Cuts one extra row off a `limit + 1` fetch and makes the next cursor from the last kept row. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => Cursor) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null,
  };
}
