import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallOptions, type Reply, type TestApi, testApi } from '../support/api.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import {
  type RouteContext,
  type RouteSpec,
  routeContext,
  routes,
  tokenOf,
  urlOf,
} from '../support/routes.ts';
import { rowsOf } from '../support/sql.ts';

// Bad input on every route must be a 4xx problem, never a 5xx and never a partial write.

let api: TestApi;
let ctx: RouteContext;
let rowsBefore: Record<string, number>;
beforeAll(async () => {
  api = await testApi();
  ctx = await routeContext(api);
  rowsBefore = await rowCounts();
});
afterAll(() => api.close());

async function rowCounts(): Promise<Record<string, number>> {
  const rows = await rowsOf<{ name: string; n: number | string }>(
    api.db,
    sql`select 'requests' as name, count(*) as n from requests
        union all select 'companies', count(*) from companies
        union all select 'experts', count(*) from experts
        union all select 'weekly', count(*) from expert_weekly_hours
        union all select 'overrides', count(*) from expert_date_overrides
        union all select 'tokens', count(*) from tokens
        union all select 'revoked', count(*) from tokens where revoked_at is not null
        union all select 'idempotency', count(*) from idempotency_keys
        union all select 'audit', count(*) from audit_events
        union all select 'webhooks', count(*) from webhooks
        union all select 'notifications', count(*) from notifications
        union all select 'fee_rates', count(*) from fee_rates
        union all select 'budgets', count(*) from budgets
        union all select 'bank_accounts', count(*) from expert_bank_accounts
        union all select 'travel_claims', count(*) from travel_claims
        union all select 'travel_receipts', count(*) from travel_receipts
        union all select 'payments', count(*) from payment_exports
        union all select 'surveys', count(*) from surveys
        union all select 'readiness', count(*) from readiness
        union all select 'certifications', count(*) from certifications`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

const bodyRoutes = routes.filter((r) => r.body);
const idRoutes = routes.filter((r) => r.path.includes('{id}'));
const queryRoutes = routes.filter((r) => r.badQuery);
const label = (r: RouteSpec) => `${r.method} ${r.path}`;

function send(spec: RouteSpec, options: CallOptions & { id?: string } = {}): Promise<Reply> {
  return api.call(spec.method, urlOf(spec, ctx, options.id), {
    token: tokenOf(spec, ctx),
    ...options,
  });
}

/** A 4xx problem+json: the one thing every bad input must give. */
function expectClientError(res: Reply) {
  expect(res.status, res.text).toBeGreaterThanOrEqual(400);
  expect(res.status, res.text).toBeLessThan(500);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('the routes table', () => {
  it('names every operation in /openapi.json, and nothing else', async () => {
    const doc = (await api.call('GET', '/openapi.json', { token: null })).body;
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(
      ([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`),
    );
    // The description and the page for people are not described in themselves.
    const tabled = routes.filter((r) => !['/docs', '/openapi.json'].includes(r.path)).map(label);
    expect([...tabled].sort()).toEqual([...documented].sort());
  });
});

describe.each(bodyRoutes.map((r) => [label(r), r] as const))('%s', (_, spec) => {
  const valid = () => spec.body?.(api, ctx) ?? {};

  it.each(['{', '{"name": "a",}', "{'name': 'a'}", '{"name": "a"} trailing', 'undefined', ''])(
    'malformed JSON %j is 400 malformed-json',
    async (text) => {
      expectProblem(await send(spec, { body: text }), 400, 'malformed-json');
    },
  );

  it.each([
    ['an array', '[]'],
    ['an array of the valid body', 'VALID'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"x"'],
    ['true', 'true'],
  ])('%s instead of an object is 400 validation-failed', async (_, text) => {
    const body = text === 'VALID' ? JSON.stringify([valid()]) : text;
    const res = await send(spec, { body });
    expectProblem(res, 400, 'validation-failed');
    expect(res.body.errors?.length).toBeGreaterThan(0);
  });

  it('a field of the wrong type is 400 naming the field', async () => {
    const wrong = spec.wrongType;
    if (!wrong) throw new Error(`${label(spec)} needs a wrongType in the routes table`);
    expectFieldError(
      await send(spec, { body: { ...valid(), [wrong.field]: wrong.value } }),
      wrong.field,
    );
  });

  it('an unknown field is 400 naming it', async () => {
    expectFieldError(await send(spec, { body: { ...valid(), isAdmin: true } }), 'isAdmin');
  });

  it('a __proto__ key is refused and pollutes nothing', async () => {
    const body = `{"__proto__": {"polluted": true}, ${JSON.stringify(valid()).slice(1)}`;
    expectFieldError(await send(spec, { body }), '__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a body over 256 KB is 413', async () => {
    const body = JSON.stringify({ ...valid(), padding: 'あ'.repeat(100_000) });
    expectProblem(await send(spec, { body }), 413, 'payload-too-large');
  });

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/json;',
    'application/json_x',
  ])('Content-Type %s is 415', async (type) => {
    const res = await send(spec, {
      body: JSON.stringify(valid()),
      headers: { 'content-type': type },
    });
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('a body without a Content-Type is 415', async () => {
    const res = await send(spec, {
      body: JSON.stringify(valid()),
      headers: { 'content-type': '' },
    });
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('5,000 levels of nested objects are a 4xx', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    expectClientError(await send(spec, { body: deep }));
  });

  it('100,000 levels of nested arrays, at the top or in a field, are a 4xx', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expectClientError(await send(spec, { body: deep }));
    const field = spec.wrongType?.field ?? 'x';
    const inField = `${JSON.stringify(valid()).slice(0, -1)}, "${field}": ${deep}}`;
    expectClientError(await send(spec, { body: inField }));
  });
});

// Only routes with a free-text field can carry a NUL character to the database.
const textRoutes = bodyRoutes.filter((r) => r.textField !== undefined);
describe.each(textRoutes.map((r) => [label(r), r] as const))('%s', (_, spec) => {
  it('a U+0000 in a string is 400 naming the field', async () => {
    const field = spec.textField ?? '';
    const res = await send(spec, { body: { ...spec.body?.(api, ctx), [field]: 'a\u0000b' } });
    expectFieldError(res, field);
    expect(res.body.errors).toHaveLength(1);
  });
});

describe.each(idRoutes.map((r) => [label(r), r] as const))('%s', (_, spec) => {
  const body = () => spec.body?.(api, ctx);

  it.each([
    ['a word', 'abc'],
    ['a number', '1'],
    ['a UUID with a non-hex digit', '00000000-0000-4000-8000-00000000000g'],
    ['a UUID without dashes', '00000000000040008000000000000000'],
    ['5,000 characters', 'a'.repeat(5000)],
    ['SQL', "1' or '1'='1"],
    ['an encoded NUL', '%00'],
    ['broken percent-encoding', '%E0%A4%A'],
  ])('%s as the id is 400 naming id', async (_, id) => {
    expectFieldError(await send(spec, { id, body: body() }), 'id');
  });

  it('an unknown UUID is 404', async () => {
    expectProblem(await send(spec, { id: crypto.randomUUID(), body: body() }), 404, 'not-found');
  });
});

/** A cursor as the API encodes one, with whatever is inside. */
const craft = (cursor: { at: string; id: string }) =>
  Buffer.from(JSON.stringify(cursor)).toString('base64url');

describe.each(queryRoutes.map((r) => [label(r), r] as const))('%s', (_, spec) => {
  it('a bad query parameter is 400 naming it', async () => {
    const bad = spec.badQuery;
    if (!bad) throw new Error('unreachable');
    const res = await api.call('GET', `${urlOf(spec, ctx)}?${bad.query}`, {
      token: tokenOf(spec, ctx),
    });
    expectFieldError(res, bad.path);
  });

  it.each([
    ['an empty cursor', 'cursor='],
    ['a cursor of broken encoding', 'cursor=%FF'],
    ['a 5,000-character cursor', `cursor=${'A'.repeat(5000)}`],
    // Decodable, but of years JavaScript parses and Postgres cannot hold.
    ...[
      { at: '+275760-09-13T00:00:00.000Z', id: crypto.randomUUID() },
      { at: '+275760-09-13T00:00:00.000Z', id: '1' },
      { at: '0000-01-01T00:00:00.000Z', id: crypto.randomUUID() },
      { at: '-000001-01-01T00:00:00.000Z', id: '1' },
    ].map((cursor) => [
      `a crafted cursor at ${cursor.at}, id ${cursor.id}`,
      `cursor=${craft(cursor)}`,
    ]),
    ['a limit of 1e3', 'limit=1e3'],
    ['a repeated limit', 'limit=2&limit=3'],
  ])('%s is a 4xx', async (_, query) => {
    const url = `${urlOf(spec, ctx)}?${query}`;
    expectClientError(await api.call('GET', url, { token: tokenOf(spec, ctx) }));
  });
});

describe('every route', () => {
  it.each(routes.map((r) => [label(r), r] as const))(
    '%s answers an unsupported method with a 4xx problem',
    async (_, spec) => {
      const other = spec.method === 'DELETE' ? 'PUT' : 'DELETE';
      expectClientError(await api.call(other, urlOf(spec, ctx), { token: tokenOf(spec, ctx) }));
    },
  );

  it('left every table as it was after all the bad input', async () => {
    expect(await rowCounts()).toEqual(rowsBefore);
  });

  it.each(bodyRoutes.filter((r) => !r.notSent).map((r) => [label(r), r] as const))(
    '%s accepts the table’s valid body (so the cases above are near misses)',
    async (_, spec) => {
      const res = await send(spec, { body: spec.body?.(api, ctx) });
      expect(res.status, res.text).toBeLessThan(300);
    },
  );

  // After the row count: a lone surrogate may well be accepted (stored as U+FFFD).
  it.each(bodyRoutes.filter((r) => r.textField).map((r) => [label(r), r] as const))(
    '%s takes a lone surrogate in a string without a 5xx',
    async (_, spec) => {
      const body = { ...spec.body?.(api, ctx), [spec.textField ?? '']: 'a\ud800b' };
      const res = await send(spec, { body });
      expect(res.status, res.text).toBeLessThan(500);
    },
  );
});
