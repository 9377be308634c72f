import { QueryPromise } from 'drizzle-orm';
import type { Queryable } from './types.ts';

type Values = Record<string, unknown>;
type Prepared<R> = { execute(values?: Values): Promise<R> };

/**
 * A query built once, with `sql.placeholder`s for its values, and run on the database or in
 * any transaction. drizzle turns a query into SQL every time it runs, which costs more CPU
 * than sending and answering it (150–250 µs a statement here: most of a booking's time in
 * the service). Its `.prepare()` builds once but binds the result to the handle it was made
 * on, so here the prepared query runs with the caller's connection in place of that one:
 * it reads its client from `this`, on either driver (drizzle-orm 0.45, the only minor
 * package.json allows; the booking tests run through this on both engines). Values go to the
 * driver as they are given (drizzle does not map a placeholder through its column), so an
 * instant is given as its ISO string.
 *
 * What it returns is lazy, like a drizzle query: it runs when awaited, so statements sent
 * together (Promise.all) reach the connection in the order they were written, this kind
 * mixed with drizzle's own.
 */
export function statement<R>(build: (q: Queryable) => { prepare(name: string): Prepared<R> }) {
  const name = `haken_${++made}`;
  // One per driver: the SQL is the same for every database of it. The prepared query keeps
  // the first database's logger and cache (drizzle's defaults, no-ops, are all we use).
  const byDriver = new Map<unknown, Prepared<R>>();
  return (q: Queryable, values: Values = {}): QueryPromise<R> => {
    const session = q._.session as unknown as { client: unknown };
    let prepared = byDriver.get(session.constructor);
    if (!prepared) {
      prepared = build(q).prepare(name);
      byDriver.set(session.constructor, prepared);
    }
    // postgres.js cannot send a Date it was not told the type of (and stalls the connection),
    // and the drivers differ on undefined: refuse both before anything is sent.
    for (const [key, value] of Object.entries(values)) {
      if (value instanceof Date || value === undefined) {
        throw new TypeError(`${name}: ${key} must be a driver value (an instant as ISO string)`);
      }
    }
    const bound: Prepared<R> = Object.create(prepared, { client: { value: session.client } });
    return new Deferred(() => bound.execute(values));
  };
}

let made = 0;

class Deferred<R> extends QueryPromise<R> {
  constructor(private readonly run: () => Promise<R>) {
    super();
  }

  override execute(): Promise<R> {
    return this.run();
  }
}
