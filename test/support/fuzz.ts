import fc from 'fast-check';

// Hostile input from the API's own description: every operation of /openapi.json, values
// generated from its JSON Schemas, then mutated (wrong types, extra keys, huge or odd strings,
// nulls, deep nesting), sent with odd queries, headers and ids.

export type Schema = { [key: string]: any };
export type OpenApiDoc = { paths: Record<string, Record<string, Schema>>; components?: Schema };

export type Parameter = { name: string; in: 'path' | 'query' | 'header'; schema: Schema };

export type Operation = {
  method: string;
  /** As the document writes it: /v1/requests/{id}. */
  path: string;
  parameters: Parameter[];
  body?: Schema;
  secured: boolean;
};

/** Every operation the document describes. */
export function operationsOf(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: (op.parameters ?? []) as Parameter[],
      body: op.requestBody?.content?.['application/json']?.schema,
      secured: Array.isArray(op.security) && op.security.length > 0,
    })),
  );
}

/** What the generators may use besides random values: ids and tokens that exist. */
export type Known = { ids: string[]; tokens: string[] };

function resolve(schema: Schema, doc: OpenApiDoc): Schema {
  let s = schema;
  for (let i = 0; i < 10 && typeof s?.$ref === 'string'; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    s = doc.components?.schemas?.[name] ?? {};
  }
  return s ?? {};
}

const instant = fc
  .date({
    min: new Date('1990-01-01T00:00:00Z'),
    max: new Date('2035-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .chain((d) =>
    fc.constantFrom(
      d.toISOString(),
      d.toISOString().replace('Z', '+09:00'),
      d.toISOString().slice(0, 19),
      d.toISOString().slice(0, 10),
    ),
  );

function patterned(pattern: string): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern), { size: 'small' });
  } catch {
    return fc.string();
  }
}

/** Values that (mostly) fit `schema`: the near misses come from `mutated`. */
export function fromSchema(
  schema: Schema,
  doc: OpenApiDoc,
  known: Known,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  if (depth > 6) return fc.constant(null);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  const alternatives = s.anyOf ?? s.oneOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((a: Schema) => fromSchema(a, doc, known, depth + 1)));
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    return fromSchema(
      Object.assign({}, ...s.allOf.map((a: Schema) => resolve(a, doc))),
      doc,
      known,
      depth,
    );
  }
  const type = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (type.length > 1) {
    return fc.oneof(...type.map((t: string) => fromSchema({ ...s, type: t }, doc, known, depth)));
  }
  const nullable =
    s.nullable === true
      ? (a: fc.Arbitrary<unknown>) => fc.option(a, { nil: null })
      : (a: fc.Arbitrary<unknown>) => a;
  switch (type[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return nullable(fc.boolean());
    case 'integer':
      return nullable(
        fc.integer({
          min: Math.max(s.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER),
          max: Math.min(s.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
        }),
      );
    case 'number':
      return nullable(fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true }));
    case 'string':
      return nullable(stringOf(s, known));
    case 'array': {
      const items = s.items ? fromSchema(s.items, doc, known, depth + 1) : fc.jsonValue();
      const minLength = s.minItems ?? 0;
      return nullable(
        fc.array(items, {
          minLength,
          maxLength: Math.max(minLength, Math.min(s.maxItems ?? 4, 4)),
        }),
      );
    }
    case 'object':
    case undefined: {
      if (!s.properties && !s.additionalProperties)
        return type[0] ? fc.object({ maxDepth: 2 }) : fc.jsonValue({ maxDepth: 2 });
      const properties = Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, v]) => [
          k,
          fromSchema(v as Schema, doc, known, depth + 1),
        ]),
      );
      const required = (s.required ?? []) as string[];
      const record = fc.record(properties, {
        requiredKeys: required.filter((k) => k in properties),
      });
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        const extra = fc.dictionary(
          fc.string({ maxLength: 10 }),
          fromSchema(s.additionalProperties, doc, known, depth + 1),
          { maxKeys: 3 },
        );
        return nullable(fc.tuple(record, extra).map(([a, b]) => ({ ...b, ...a })));
      }
      return nullable(record);
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(s: Schema, known: Known): fc.Arbitrary<string> {
  switch (s.format) {
    case 'date-time':
      return instant;
    case 'date':
      return instant.map((t) => t.slice(0, 10));
    case 'uuid':
      return known.ids.length > 0 ? fc.oneof(fc.constantFrom(...known.ids), fc.uuid()) : fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
  }
  if (typeof s.pattern === 'string') return patterned(s.pattern);
  const minLength = s.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(s.maxLength ?? 40, 40)) });
}

type Json = unknown;
type Path = (string | number)[];

/** Every path inside a JSON value, the root ([]) first. */
function pathsOf(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) pathsOf(v, [...path, i], out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  }
  return out;
}

function setAt(value: Json, path: Path, replace: (old: Json) => Json | typeof REMOVE): Json {
  if (path.length === 0) {
    const next = replace(value);
    return next === REMOVE ? {} : next;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const next =
      rest.length === 0
        ? replace(copy[head as number])
        : setAt(copy[head as number], rest, replace);
    if (next === REMOVE) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  if (value && typeof value === 'object') {
    const copy: Record<string, Json> = { ...(value as Record<string, Json>) };
    const key = String(head);
    const next = rest.length === 0 ? replace(copy[key]) : setAt(copy[key], rest, replace);
    if (next === REMOVE) delete copy[key];
    else copy[key] = next;
    return copy;
  }
  return value;
}

const REMOVE = Symbol('remove');

/** Strings that have broken parsers: huge, control characters, lone surrogates, RTL, emoji. */
export const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff\ud800',
    '\u202e\u0645\u0631\u062d\u0628\u0627',
    '𠮷野家🍣👨‍👩‍👧',
    '\r\n\t\u2028\u2029',
    "'; drop table sessions; --",
    `\${7*7}{{7*7}}`,
    '../../../../etc/passwd',
    '%00%ff%zz',
    'null',
    'NaN',
    '-0',
    '1e309',
    '9007199254740993',
    '__proto__',
  ),
  fc.integer({ min: 1_000, max: 120_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1_000, max: 40_000 }).map((n) => 'あ'.repeat(n)),
);

/** Any JSON-ish value, hostile ones favoured. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0),
  fc.integer(),
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** A JSON text of `depth` nested arrays or objects around `inner`. */
export function nested(depth: number, kind: 'array' | 'object', inner = '1'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
}

export type BodyCase = { label: string; text: string };

/** A body: the generated value as is, or mutated at one random place, or not JSON at all. */
export function mutatedBody(base: fc.Arbitrary<Json>): fc.Arbitrary<BodyCase> {
  const atPath = (
    label: string,
    replacement: fc.Arbitrary<Json | typeof REMOVE>,
  ): fc.Arbitrary<BodyCase> =>
    fc.tuple(base, fc.nat(), replacement).map(([value, pick, next]) => {
      const paths = pathsOf(value);
      const path = paths[pick % paths.length] ?? [];
      return {
        label: `${label} at ${JSON.stringify(path)}`,
        text: JSON.stringify(setAt(value, path, () => next)) ?? 'null',
      };
    });
  const extraKey = fc
    .tuple(
      base,
      fc.nat(),
      hostileString.filter((k) => k.length < 200),
      hostileValue,
    )
    .map(([value, pick, key, extra]) => {
      const objects = pathsOf(value).filter((p) => {
        let v: any = value;
        for (const k of p) v = v?.[k];
        return v && typeof v === 'object' && !Array.isArray(v);
      });
      const path = objects[pick % Math.max(1, objects.length)] ?? [];
      const text = JSON.stringify(
        setAt(value, path, (old) =>
          old && typeof old === 'object' ? { ...(old as object), [key]: extra } : old,
        ),
      );
      // __proto__ as a literal key: JSON.stringify of a spread object would drop its meaning.
      return {
        label: `extra key ${JSON.stringify(key).slice(0, 30)} at ${JSON.stringify(path)}`,
        text: text ?? '{}',
      };
    });
  const protoKey = base.map((value) => ({
    label: 'a __proto__ key',
    text:
      value && typeof value === 'object' && !Array.isArray(value)
        ? `{"__proto__":{"isAdmin":true},${JSON.stringify(value).slice(1)}`
        : '{"__proto__":{"isAdmin":true}}',
  }));
  const deep = fc
    .tuple(
      base,
      fc.nat(),
      fc.integer({ min: 20, max: 20_000 }),
      fc.constantFrom('array' as const, 'object' as const),
    )
    .map(([value, pick, depth, kind]) => {
      const paths = pathsOf(value);
      const path = paths[pick % paths.length] ?? [];
      const marker = '"\u0001DEEP\u0001"';
      const text = JSON.stringify(setAt(value, path, () => '\u0001DEEP\u0001')) ?? marker;
      return {
        label: `${depth} levels of ${kind}s at ${JSON.stringify(path)}`,
        text: text.replace(marker, nested(depth, kind)),
      };
    });
  const raw = fc
    .oneof(
      base.chain((value) => {
        const text = JSON.stringify(value) ?? '';
        return fc
          .nat({ max: Math.max(0, text.length - 1) })
          .map((n) => ({ label: `cut at ${n}`, text: text.slice(0, n) }));
      }),
      fc.string({ unit: 'binary', maxLength: 60 }).map((text) => ({ label: 'random text', text })),
      fc
        .jsonValue({ maxDepth: 3 })
        .map((v) => ({ label: 'some other JSON', text: JSON.stringify(v) ?? 'null' })),
      fc
        .constantFrom(
          '',
          ' ',
          'null',
          '[]',
          '{}',
          '{"a":1,"a":2}',
          '\ufeff{}',
          '{"a":1}{"b":2}',
          '"\\ud800"',
          '{"a":"\\u0000"}',
          '1e999',
          '[1,]',
          '{a:1}',
        )
        .map((text) => ({ label: JSON.stringify(text), text })),
    )
    .map((c) => ({ ...c, label: `raw: ${c.label}` }));

  return fc.oneof(
    {
      weight: 3,
      arbitrary: base.map((value) => ({
        label: 'generated',
        text: JSON.stringify(value) ?? 'null',
      })),
    },
    { weight: 3, arbitrary: atPath('wrong type', hostileValue) },
    { weight: 1, arbitrary: atPath('null', fc.constant(null)) },
    { weight: 1, arbitrary: atPath('removed', fc.constant(REMOVE)) },
    { weight: 2, arbitrary: atPath('hostile string', hostileString) },
    { weight: 2, arbitrary: extraKey },
    { weight: 1, arbitrary: protoKey },
    { weight: 2, arbitrary: deep },
    { weight: 2, arbitrary: raw },
  );
}

/** Header values a client could send: visible Latin-1 (what fetch's Headers accepts). */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
      .map((c) => String.fromCharCode(c)),
    maxLength,
  });

export const contentTypes = fc.oneof(
  {
    weight: 16,
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/problem+json',
      'application/merge-patch+json',
      'application/vnd.api+json',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json;',
      'application/json; charset',
      'application/jsonx',
      '*/*',
      'json',
      ';',
      '',
    ),
  },
  { weight: 1, arbitrary: headerText(300) },
);

/**
 * Authorization headers: mostly the token the route is for (`preferred`), so requests get past
 * the token check to the handler, then the other tokens, none, and malformed ones.
 */
export function authorizations(known: Known, preferred?: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    ...(preferred ? [{ weight: 8, arbitrary: fc.constant(`Bearer ${preferred}`) }] : []),
    { weight: 3, arbitrary: fc.constantFrom(...known.tokens.map((t) => `Bearer ${t}`)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: headerText(80).map((t) => `Bearer ${t}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Bearer',
        'Bearer ',
        'bearer x',
        'Basic dXNlcjpwYXNz',
        'Bearer a b',
        'Token abc',
        'Bearer \u00ff\u00fe',
        `Bearer ${'A'.repeat(5000)}`,
        'Bearer hks_',
        'Bearer =',
      ),
    },
    { weight: 1, arbitrary: headerText(100) },
  );
}

/** Extra headers that the routes read, and some they do not. */
export const extraHeaders = fc.record(
  {
    'idempotency-key': fc.oneof(headerText(40), fc.constantFrom('', 'k'.repeat(300), 'same-key')),
    'x-request-id': headerText(200),
    'if-none-match': fc.oneof(headerText(40), fc.constant('*')),
    'if-modified-since': fc.oneof(headerText(40), fc.constant('Thu, 01 Jan 1970 00:00:00 GMT')),
    accept: fc.constantFrom('*/*', 'text/html', 'application/json', 'text/calendar', ''),
    'accept-language': fc.constantFrom('ja', 'en', 'xx', '*', ''),
    'x-forwarded-for': headerText(60),
  },
  { requiredKeys: [] },
);

/** Percent-encoding that also takes lone surrogates (as the invalid UTF-8 a client might send). */
export function encode(text: string): string {
  return text
    .split(/([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/)
    .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}

/** A path segment: an id that exists, an unknown one, or something that is not an id at all. */
export function pathIds(known: Known): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known.ids) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
    {
      weight: 2,
      arbitrary: hostileString.filter((s) => s.length < 3000).map((s) => encode(s)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%00',
        '%E0%A4%A',
        '..%2F..%2Fetc',
        '%2e%2e',
        'a%20b',
        '%FF',
        'null',
        '-1',
        '0',
        `hkf_${'A'.repeat(43)}.ics`,
      ),
    },
  );
}

/** A query string: the declared parameters (valid-ish or hostile), repeats and strangers. */
export function queries(op: Operation, doc: OpenApiDoc, known: Known): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const pairs = fc.array(
    fc.oneof(
      ...(declared.length > 0
        ? [
            fc.constantFrom(...declared).chain((p) =>
              fc
                .oneof(
                  fromSchema(p.schema, doc, known).map((v) =>
                    typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
                  ),
                  hostileString.filter((s) => s.length < 5000),
                )
                .map((v) => `${encode(p.name)}=${encode(v)}`),
            ),
          ]
        : []),
      fc
        .tuple(
          hostileString.filter((s) => s.length < 100),
          hostileString.filter((s) => s.length < 100),
        )
        .map(([k, v]) => `${encode(k)}=${encode(v)}`),
      fc.constantFrom(
        'limit=0',
        'limit=101',
        'limit=1e3',
        'limit=-1',
        'limit=2&limit=3',
        'cursor=%FF',
        'cursor=',
        'fiscalYear=99999',
        'format=csv',
        'format=xml',
        '%zz=1',
        '=',
        '&&',
        'a',
      ),
    ),
    { maxLength: 4 },
  );
  return pairs.map((p) => (p.length > 0 ? `?${p.join('&')}` : ''));
}
