import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchFeed } from '../../src/feeds/sync.ts';
import { STAFF_TOKEN, type TestApi, testApi } from '../support/api.ts';
import { book, jst } from '../support/booking.ts';
import { apply } from '../support/fixtures.ts';
import {
  authorizations,
  type BodyCase,
  contentTypes,
  extraHeaders,
  fromSchema,
  hostileString,
  type Known,
  mutatedBody,
  nested,
  type OpenApiDoc,
  type Operation,
  operationsOf,
  pathIds,
  queries,
} from '../support/fuzz.ts';
import { type RouteContext, routeContext, routes, tokenOf } from '../support/routes.ts';

// A property-based fuzzer driven by /openapi.json: for every operation, bodies generated from
// its schema and then mutated, odd queries, headers, tokens and ids. Whatever comes in, the
// answer is never a 5xx, and every 4xx is an RFC 9457 problem. Runs are bounded per operation
// (FUZZ_RUNS, default 40) and the seed is fixed (FUZZ_SEED to explore others), so CI is
// repeatable; a failure prints the seed and the shrunk request.

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 20260925);
const MAX_BODY_BYTES = 256 * 1024;

// Incoming calendar feeds are "fetched" from here: an empty calendar, never the network.
const emptyCalendar: FetchFeed = async () => ({
  status: 'ok',
  body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\nEND:VCALENDAR\r\n',
  etag: null,
  lastModified: null,
});

let api: TestApi;
let ctx: RouteContext;
let doc: OpenApiDoc;
let operations: Operation[];
let known: Known;
let spareRequestId: string;

beforeAll(async () => {
  api = await testApi({}, { fetchFeed: emptyCalendar });
  ctx = await routeContext(api);
  spareRequestId = (await apply(api)).request.id;
  doc = (await api.call('GET', '/openapi.json', { token: null })).body;
  operations = operationsOf(doc);
  // Real ids of every kind, so generated requests reach the handlers, not only the 404s.
  const session = await book(api, ctx.requestId, {
    expertId: ctx.expertId,
    start: jst('2026-12-03', '10:00'),
  });
  const feed = await api.call('POST', '/v1/me/calendar-feeds', {
    token: ctx.expertToken,
    body: { url: 'https://calendar.example.jp/private/basic.ics' },
  });
  const feedUrl: string = (await api.call('GET', '/v1/me/feed', { token: ctx.expertToken })).body
    .url;
  const ids = [
    ctx.requestId,
    ctx.expertId,
    ctx.tokenId,
    session.body?.id,
    feed.body?.id,
    feedUrl.split('/').pop(),
  ];
  known = {
    ids: ids.filter((id): id is string => typeof id === 'string'),
    tokens: [STAFF_TOKEN, ctx.companyToken, ctx.expertToken],
  };
}, 120_000);
afterAll(async () => {
  console.log(`fuzz: statuses answered ${JSON.stringify(seen)}`);
  await api.close();
});

const label = (op: Operation) => `${op.method} ${op.path}`;
const withBody = (op: Operation) => op.body !== undefined;

/** The routes table's valid body for `op`, as a seed the mutations start from. */
function tableBody(op: Operation): unknown {
  const spec = routes.find((r) => r.method === op.method && r.path === op.path);
  return spec?.body?.(api, ctx);
}

type Sent = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  case?: string;
};

/** How often each status was answered, over the whole file: printed, to see what was reached. */
const seen: Record<number, number> = {};

async function send(request: Sent) {
  const res = await api.app.request(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  seen[res.status] = (seen[res.status] ?? 0) + 1;
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text: await res.text(),
  };
}

/** Never a 5xx; a 4xx is problem+json whose `status` is the response's and which has a code. */
function expectSane(reply: Awaited<ReturnType<typeof send>>, request: Sent) {
  const about = `${request.method} ${request.url} (${request.case ?? 'no body'}) → ${reply.status} ${reply.text.slice(0, 300)}`;
  expect(reply.status, about).toBeLessThan(500);
  if (reply.status >= 400) {
    expect(reply.type, about).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(reply.text);
    expect(problem, about).toMatchObject({
      status: reply.status,
      code: expect.any(String),
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
  }
}

// Reissuing a company's access token revokes the one every other case is sent with, so that
// route is aimed at a request of its own.
const OWN_REQUEST = '/v1/requests/{id}/access-token';

function urlOf(op: Operation, ids: string[], query: string) {
  let i = 0;
  const aimed = op.path === OWN_REQUEST ? [spareRequestId] : ids;
  return `${op.path.replace(/\{\w+\}/g, () => aimed[i++] ?? 'x')}${query}`;
}

/** The token of the role the routes table says `op` is for. */
function tokenFor(op: Operation): string | undefined {
  const spec = routes.find((r) => r.method === op.method && r.path === op.path);
  if (!spec) return op.secured ? STAFF_TOKEN : undefined;
  return tokenOf(spec, ctx) ?? (spec.as === 'none' ? undefined : STAFF_TOKEN);
}

function requestOf(op: Operation): fc.Arbitrary<Sent> {
  const table = tableBody(op);
  const base = op.body
    ? fc.oneof(fromSchema(op.body, doc, known), ...(table ? [fc.constant(table)] : []))
    : fc.constant({});
  const body: fc.Arbitrary<BodyCase | undefined> =
    op.method === 'GET' || op.method === 'HEAD'
      ? fc.constant(undefined)
      : op.body
        ? mutatedBody(base)
        : fc.option(mutatedBody(base), { nil: undefined, freq: 2 });
  return fc
    .record({
      ids: fc.array(pathIds(known), { minLength: 2, maxLength: 2 }),
      query: queries(op, doc, known),
      authorization: authorizations(known, tokenFor(op)),
      contentType: fc.option(contentTypes, { nil: undefined, freq: 8 }),
      headers: extraHeaders,
      body,
    })
    .map((r) => {
      const headers: Record<string, string> = { ...r.headers };
      if (r.authorization !== undefined) headers.authorization = r.authorization;
      if (r.body !== undefined) headers['content-type'] = r.contentType ?? 'application/json';
      return {
        url: urlOf(op, r.ids, r.query),
        method: op.method,
        headers,
        ...(r.body ? { body: r.body.text, case: r.body.label } : {}),
      };
    });
}

describe('every operation of /openapi.json under generated and mutated input', () => {
  it('the document has operations to fuzz, with and without bodies', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.filter(withBody).length).toBeGreaterThan(8);
  });

  // One test per operation, named for it, so a failure says where.
  it.each(routes.map((r) => `${r.method} ${r.path}`))(
    '%s: never a 5xx, every 4xx a problem',
    async (name) => {
      const op = operations.find((o) => label(o) === name);
      if (!op) return; // The routes table is checked against the document by bad-input.
      await fc.assert(
        fc.asyncProperty(requestOf(op), async (request) => {
          expectSane(await send(request), request);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    },
  );

  it('operations the routes table does not list yet are fuzzed too', async () => {
    const tabled = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const op of operations.filter((o) => !tabled.has(label(o)))) {
      await fc.assert(
        fc.asyncProperty(requestOf(op), async (request) => {
          expectSane(await send(request), request);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }
  });
});

describe('the body rules, over generated operations and bodies', () => {
  const bodyOps = () => operations.filter(withBody);
  const token = fc.constantFrom(undefined, STAFF_TOKEN, 'hks_unknown');

  it('any body over 256 KB is 413 payload-too-large, whatever else is wrong with the request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.integer({ min: MAX_BODY_BYTES + 1, max: 3 * MAX_BODY_BYTES }),
        fc.constantFrom('string', 'array', 'garbage'),
        token,
        fc.option(contentTypes, { nil: undefined }),
        pathIds(known),
        async (pick, size, shape, t, type, id) => {
          const op = bodyOps()[pick % bodyOps().length] as Operation;
          const body =
            shape === 'string'
              ? JSON.stringify({ padding: 'x'.repeat(size) })
              : shape === 'array'
                ? `[${'1,'.repeat(Math.ceil(size / 2))}1]`
                : '\u00ff'.repeat(size);
          const request: Sent = {
            url: urlOf(op, [id, id], ''),
            method: op.method,
            headers: {
              'content-type': type ?? 'application/json',
              ...(t ? { authorization: `Bearer ${t}` } : {}),
            },
            body,
            case: `${size} bytes of ${shape}`,
          };
          const reply = await send(request);
          expect(reply.status, `${label(op)} ${request.case}`).toBe(413);
          expectSane(reply, request);
        },
      ),
      { numRuns: 30, seed: SEED },
    );
  });

  it('a body whose Content-Type is not JSON is 415, whatever the body', async () => {
    const notJson = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'text/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/jsonx',
        'application/json;',
        'json',
        '*/*',
      ),
      fc
        .string({
          unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
          maxLength: 40,
        })
        .filter((t) => !/json/i.test(t)),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(), notJson, token, pathIds(known), async (pick, type, t, id) => {
        const op = bodyOps()[pick % bodyOps().length] as Operation;
        const request: Sent = {
          url: urlOf(op, [id, id], ''),
          method: op.method,
          headers: { 'content-type': type, ...(t ? { authorization: `Bearer ${t}` } : {}) },
          body: JSON.stringify(tableBody(op) ?? { a: 1 }),
          case: `Content-Type ${JSON.stringify(type)}`,
        };
        const reply = await send(request);
        expect(reply.status, `${label(op)} ${request.case}: ${reply.text}`).toBe(415);
        expectSane(reply, request);
      }),
      { numRuns: 40, seed: SEED },
    );
  });

  it('deeply nested JSON, as the body or in any field, is 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.integer({ min: 64, max: 50_000 }),
        fc.constantFrom('array' as const, 'object' as const),
        fc.boolean(),
        async (pick, depth, kind, inField) => {
          const op = bodyOps()[pick % bodyOps().length] as Operation;
          const token = tokenFor(op);
          const valid = (tableBody(op) ?? {}) as Record<string, unknown>;
          const fields = Object.keys(valid);
          const field = fields[pick % Math.max(1, fields.length)] ?? 'a';
          const deep = nested(depth, kind);
          const body = inField
            ? JSON.stringify({ ...valid, [field]: '\u0001' }).replace('"\\u0001"', deep)
            : deep;
          const request: Sent = {
            url: urlOf(op, [ctx.requestId, ctx.requestId], ''),
            method: op.method,
            headers: {
              'content-type': 'application/json',
              // The route's own role: another one is refused (403) before the body is read.
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            body,
            case: `${depth} nested ${kind}s ${inField ? `in ${field}` : 'as the body'}`,
          };
          if (body.length > MAX_BODY_BYTES) return;
          const reply = await send(request);
          expect(reply.status, `${label(op)} ${request.case}: ${reply.text.slice(0, 200)}`).toBe(
            400,
          );
          expectSane(reply, request);
        },
      ),
      { numRuns: 40, seed: SEED },
    );
  });

  it('hostile strings in every string field of a valid body never reach a 5xx', async () => {
    const tabled = bodyOps().filter((op) => tableBody(op) !== undefined);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), hostileString, async (pick, fieldPick, text) => {
        const op = tabled[pick % tabled.length] as Operation;
        const valid = tableBody(op) as Record<string, unknown>;
        const stringFields = Object.keys(valid).filter((k) => typeof valid[k] === 'string');
        const field = stringFields[fieldPick % Math.max(1, stringFields.length)] ?? 'a';
        const body = JSON.stringify({ ...valid, [field]: text });
        if (body.length > MAX_BODY_BYTES) return;
        const request: Sent = {
          url: urlOf(op, [ctx.requestId, ctx.requestId], ''),
          method: op.method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${STAFF_TOKEN}` },
          body,
          case: `${field} = ${JSON.stringify(text).slice(0, 40)}`,
        };
        expectSane(await send(request), request);
      }),
      { numRuns: 60, seed: SEED },
    );
  });
});
