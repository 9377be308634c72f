import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/api.ts';
import { applyReceived, book, bookedVisit, jst } from '../support/booking.ts';
import { createExpert } from '../support/fixtures.ts';
import { FRESH_DATABASE_MS } from '../support/matching.ts';
import {
  type CapturedLog,
  dispatcher,
  ofEvent,
  ofRequest,
  outbox,
  verifies,
  type WebhookReceiver,
  webhookReceiver,
} from '../support/notify.ts';
import { expectFieldError, expectProblem } from '../support/problems.ts';
import { issueToken } from '../support/tokens.ts';

// Webhooks against a local receiver (node:http on 127.0.0.1; the harness allows private
// addresses as FEED_ALLOW_PRIVATE=true would). The receiver checks each delivery the way a
// Standard Webhooks consumer does, with the secret it was given at registration.

const DEFAULT_NOW = '2026-11-25T00:00:00Z';

let api: TestApi;
const receivers: WebhookReceiver[] = [];
const logs: CapturedLog[] = [];
const personal = new Set<string>();

beforeAll(async () => {
  api = await testApi();
}, FRESH_DATABASE_MS);
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await api?.close();
});
afterEach(async () => {
  // Each test starts with no endpoint registered, so no test hears another's events.
  const listed = await api.call('GET', '/v1/webhooks');
  for (const w of listed.body.items) await api.call('DELETE', `/v1/webhooks/${w.id}`);
  api.setNow(DEFAULT_NOW);
});

async function receiver(answer?: Parameters<typeof webhookReceiver>[0]) {
  const made = await webhookReceiver(answer);
  receivers.push(made);
  return made;
}

async function register(url: string, events: string[] = ['request.received', 'session.booked']) {
  const res = await api.call('POST', '/v1/webhooks', { body: { url, events } });
  expect(res.status, res.text).toBe(201);
  personal.add(res.body.secret);
  return res.body as { id: string; secret: string; url: string; events: string[] };
}

function sending(options: Parameters<typeof dispatcher>[1] = {}) {
  const made = dispatcher(api, options);
  made.deps.log = (level, message, fields = {}) => logs.push({ level, message, fields });
  return made;
}

let contacts = 0;
async function application() {
  contacts += 1;
  const contact = { name: `受信 ${contacts}`, email: `hook${contacts}@company.example.jp` };
  personal.add(contact.email);
  personal.add(contact.name);
  return applyReceived(api, { contact });
}

const nowSeconds = () => Math.floor(api.now().getTime() / 1000);

describe('registering endpoints (staff)', () => {
  it('201 with a whsec_ secret shown once; listed without it; deleted with 204', async () => {
    const res = await api.call('POST', '/v1/webhooks', {
      body: {
        url: 'https://crm.example.jp/hooks/haken',
        events: ['session.booked', 'session.cancelled'],
        description: 'CRM',
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      url: 'https://crm.example.jp/hooks/haken',
      events: ['session.booked', 'session.cancelled'],
      description: 'CRM',
      previousSecretValidUntil: null,
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(res.body.secret.slice(6), 'base64')).toHaveLength(32);

    const listed = await api.call('GET', '/v1/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: res.body.id })]);
    expect(listed.text).not.toContain(res.body.secret);
    expect(listed.text).not.toContain('secret"');

    expect((await api.call('DELETE', `/v1/webhooks/${res.body.id}`)).status).toBe(204);
    expectProblem(await api.call('DELETE', `/v1/webhooks/${res.body.id}`), 404, 'not-found');
    expect((await api.call('GET', '/v1/webhooks')).body.items).toEqual([]);
  });

  it('refuses what it could not deliver to: bad URLs and unknown or repeated events', async () => {
    for (const url of ['ftp://example.jp/x', 'not a url', 'javascript:alert(1)']) {
      expectFieldError(
        await api.call('POST', '/v1/webhooks', { body: { url, events: ['session.booked'] } }),
        'url',
      );
    }
    for (const [events, path] of [
      [[], 'events'],
      [['session.exploded'], 'events.0'],
      [['session.booked', 'session.booked'], 'events'],
    ] as const) {
      expectFieldError(
        await api.call('POST', '/v1/webhooks', { body: { url: 'https://x.example.jp', events } }),
        path,
      );
    }
  });

  it(
    'refuses loopback, private and link-local addresses unless FEED_ALLOW_PRIVATE',
    async () => {
      const strict = await testApi({ FEED_ALLOW_PRIVATE: 'false' });
      try {
        for (const url of [
          'http://127.0.0.1:8080/hook',
          'http://localhost/hook',
          'http://10.1.2.3/hook',
          'http://169.254.169.254/latest/meta-data',
          'http://[::1]/hook',
        ]) {
          const res = await strict.call('POST', '/v1/webhooks', {
            body: { url, events: ['session.booked'] },
          });
          expectFieldError(res, 'url');
        }
        const ok = await strict.call('POST', '/v1/webhooks', {
          body: { url: 'https://crm.example.jp/hook', events: ['session.booked'] },
        });
        expect(ok.status, ok.text).toBe(201);
      } finally {
        await strict.close();
      }
    },
    FRESH_DATABASE_MS,
  );

  it('a replayed registration (same Idempotency-Key) gives the same endpoint and secret', async () => {
    const body = { url: 'https://crm.example.jp/replay', events: ['session.booked'] };
    const headers = { 'idempotency-key': 'register-crm-1' };
    const first = await api.call('POST', '/v1/webhooks', { body, headers });
    const again = await api.call('POST', '/v1/webhooks', { body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await api.call('GET', '/v1/webhooks')).body.items).toHaveLength(1);
  });
});

describe('deliveries', () => {
  it('are signed per Standard Webhooks and verify as a consumer checks them', async () => {
    const hook = await receiver();
    const endpoint = await register(hook.url);
    const applied = await application();
    expect(await sending().drain()).toMatchObject({ sent: 1 });

    const [delivery] = hook.deliveries;
    if (!delivery) throw new Error('nothing delivered');
    const rows = await outbox(api.db, ofRequest(applied.request.id));
    // The company's email and the webhook are two messages, each with an id of its own.
    expect(rows.map((r) => r.kind).sort()).toEqual(['email', 'webhook']);
    expect(delivery.id).toBe(rows.find((r) => r.kind === 'webhook')?.id);
    expect(delivery.timestamp).toBe(String(nowSeconds()));
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(verifies(endpoint.secret, delivery, nowSeconds())).toBe(true);
    // A consumer refuses a tampered body, another secret, or a stale timestamp.
    expect(
      verifies(endpoint.secret, { ...delivery, body: `${delivery.body} ` }, nowSeconds()),
    ).toBe(false);
    const other = await register(hook.url);
    expect(verifies(other.secret, delivery, nowSeconds())).toBe(false);
    expect(verifies(endpoint.secret, delivery, nowSeconds() + 301)).toBe(false);

    const body = JSON.parse(delivery.body);
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data']);
    expect(body).toMatchObject({
      type: 'request.received',
      timestamp: api.now().toISOString(),
      data: { request: { id: applied.request.id, status: 'received' } },
    });
    // No contact details leave in a webhook: consumers read them through the API.
    expect(delivery.body).not.toContain('@');
  });

  it('go only to endpoints subscribed to the event', async () => {
    const booked = await receiver();
    const cancelled = await receiver();
    await register(booked.url, ['session.booked']);
    await register(cancelled.url, ['session.cancelled']);
    const v = await bookedVisit(api, jst('2026-12-03', '10:00'));
    await sending().drain();
    expect(booked.deliveries.map((d) => JSON.parse(d.body).type)).toEqual(['session.booked']);
    expect(cancelled.deliveries).toEqual([]);
    expect(JSON.parse(booked.deliveries[0]?.body ?? '{}').data.session).toMatchObject({
      id: v.session.id,
      status: 'confirmed',
      sequence: 0,
      start: v.session.start,
    });

    await api.call('POST', `/v1/sessions/${v.session.id}/cancel`, { body: { reason: '延期' } });
    await sending().drain();
    expect(cancelled.deliveries.map((d) => JSON.parse(d.body).data.session.status)).toEqual([
      'cancelled',
    ]);
    expect(booked.deliveries).toHaveLength(1);
  });

  it('a receiver failing twice (500) then accepting gets it once accepted, same webhook-id each time', async () => {
    const hook = await receiver(({ nth }) => (nth <= 2 ? 500 : 204));
    const endpoint = await register(hook.url, ['request.received']);
    const applied = await application();
    const send = sending();

    expect(await send.drain()).toMatchObject({ retried: 1, sent: 0 });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [row] = await outbox(
        api.db,
        ofRequest(applied.request.id),
        ofEvent('request.received'),
      ).then((rows) => rows.filter((r) => r.kind === 'webhook'));
      expect(row).toMatchObject({ status: 'pending', attempts: attempt, lastError: 'http 500' });
      expect(row?.nextAttemptAt.getTime()).toBeGreaterThan(api.now().getTime());
      api.setNow(row?.nextAttemptAt ?? api.now());
      await send.drain();
    }
    expect(hook.deliveries.map((d) => d.status)).toEqual([500, 500, 204]);
    expect(new Set(hook.deliveries.map((d) => d.id)).size).toBe(1);
    expect(hook.accepted()).toHaveLength(1);
    // Each attempt is signed afresh, with its own timestamp, and verifies at its time.
    const [accepted] = hook.accepted();
    if (!accepted) throw new Error('not accepted');
    expect(verifies(endpoint.secret, accepted, nowSeconds())).toBe(true);
    expect(new Set(hook.deliveries.map((d) => d.body)).size).toBe(1);

    const res = await api.call('GET', `/v1/webhooks/${endpoint.id}/deliveries`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        id: accepted.id,
        event: 'request.received',
        status: 'sent',
        attempts: 3,
        lastError: null,
        nextAttemptAt: null,
        requestId: applied.request.id,
        sentAt: api.now().toISOString(),
      }),
    ]);
    expect(res.text).not.toContain('payload');
    expect(res.text).not.toContain('@');
  });

  it('a receiver that keeps failing: a dead row, listed for staff, and redelivered on demand', async () => {
    let up = false;
    const hook = await receiver(() => (up ? 200 : 503));
    const endpoint = await register(hook.url, ['request.received']);
    await application();
    const send = sending();
    for (let attempt = 1; attempt <= api.config.notifyMaxAttempts; attempt++) {
      await send.drain();
      const [row] = (await api.call('GET', `/v1/webhooks/${endpoint.id}/deliveries`)).body.items;
      if (row.status === 'pending') api.setNow(row.nextAttemptAt);
    }
    const [dead] = (await api.call('GET', `/v1/webhooks/${endpoint.id}/deliveries?status=dead`))
      .body.items;
    expect(dead).toMatchObject({ status: 'dead', attempts: 8, lastError: 'http 503' });
    expect(hook.deliveries).toHaveLength(8);
    const staffView = await api.call('GET', '/v1/notifications?status=dead&kind=webhook');
    expect(staffView.body.items).toContainEqual(
      expect.objectContaining({ id: dead.id, webhookId: endpoint.id, recipient: null }),
    );

    up = true;
    const again = await api.call(
      'POST',
      `/v1/webhooks/${endpoint.id}/deliveries/${dead.id}/redeliver`,
    );
    expect(again.status, again.text).toBe(202);
    expect(again.body).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
    expectProblem(
      await api.call('POST', `/v1/webhooks/${endpoint.id}/deliveries/${dead.id}/redeliver`),
      409,
      'invalid-transition',
    );
    await send.drain();
    expect(hook.accepted().map((d) => d.id)).toEqual([dead.id]);
    expectProblem(
      await api.call(
        'POST',
        `/v1/webhooks/${endpoint.id}/deliveries/${crypto.randomUUID()}/redeliver`,
      ),
      404,
      'not-found',
    );
  });

  it('time out after the timeout, and are retried', async () => {
    const hook = await receiver(() => ({ status: 200, delayMs: 2_000 }));
    await register(hook.url, ['request.received']);
    await application();
    expect(await sending({ webhookTimeoutMs: 200 }).drain()).toMatchObject({ retried: 1 });
    const { body } = await api.call('GET', '/v1/notifications?kind=webhook&status=pending');
    expect(body.items[0]).toMatchObject({ attempts: 1, lastError: 'timeout' });
  });

  it('are refused at delivery time for a private address when private addresses are not allowed', async () => {
    const hook = await receiver();
    await register(hook.url, ['request.received']);
    await application();
    expect(await sending({ allowPrivate: false }).drain()).toMatchObject({ retried: 1 });
    const { body } = await api.call('GET', '/v1/notifications?kind=webhook&status=pending');
    expect(body.items[0]).toMatchObject({ lastError: 'forbidden-address' });
    expect(hook.deliveries).toEqual([]);
  });

  it('of a deleted endpoint are dropped with it', async () => {
    const hook = await receiver();
    const endpoint = await register(hook.url, ['request.received']);
    await application();
    expect((await api.call('DELETE', `/v1/webhooks/${endpoint.id}`)).status).toBe(204);
    await sending().drain();
    expect(hook.deliveries).toEqual([]);
    expectProblem(await api.call('GET', `/v1/webhooks/${endpoint.id}/deliveries`), 404);
  });

  it('are not written for a booking that is rolled back', async () => {
    const hook = await receiver();
    await register(hook.url, ['session.booked']);
    const v = await bookedVisit(api, jst('2026-12-03', '10:00'));
    const rival = await application();
    const taken = await book(api, rival.request.id, {
      expertId: v.expertId,
      start: v.session.start,
    });
    expect(taken.status).toBe(409);
    expect(await outbox(api.db, ofRequest(rival.request.id), ofEvent('session.booked'))).toEqual(
      [],
    );
    await sending().drain();
    expect(hook.deliveries.map((d) => JSON.parse(d.body).data.session.requestId)).toEqual([
      v.request.id,
    ]);
  });
});

describe('rotating the secret', () => {
  it('gives a new secret; for 24 hours deliveries carry both signatures, then only the new', async () => {
    const hook = await receiver();
    const endpoint = await register(hook.url, ['request.received']);
    const rotated = await api.call('POST', `/v1/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status, rotated.text).toBe(200);
    personal.add(rotated.body.secret);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.previousSecretValidUntil).toBe(
      new Date(api.now().getTime() + 24 * 3600_000).toISOString(),
    );

    await application();
    await sending().drain();
    const [during] = hook.deliveries;
    if (!during) throw new Error('nothing delivered');
    expect(during.signature.split(' ')).toHaveLength(2);
    expect(verifies(rotated.body.secret, during, nowSeconds())).toBe(true);
    expect(verifies(endpoint.secret, during, nowSeconds())).toBe(true);

    api.setNow(new Date(api.now().getTime() + 25 * 3600_000));
    await application();
    await sending().drain();
    const after = hook.deliveries[1];
    if (!after) throw new Error('nothing delivered');
    expect(after.signature.split(' ')).toHaveLength(1);
    expect(verifies(rotated.body.secret, after, nowSeconds())).toBe(true);
    expect(verifies(endpoint.secret, after, nowSeconds())).toBe(false);
    expectProblem(
      await api.call('POST', `/v1/webhooks/${crypto.randomUUID()}/rotate-secret`),
      404,
      'not-found',
    );
  });
});

describe('other tenants', () => {
  it('company and expert tokens get 403 on /v1/webhooks* and /v1/notifications; no token 401', async () => {
    const hook = await receiver();
    const endpoint = await register(hook.url, ['request.received']);
    const applied = await application();
    await sending().drain();
    const [delivery] = hook.deliveries;
    const expertId = (await createExpert(api)).id;
    const expertToken = (await issueToken(api, { role: 'expert', expertId })).token;
    personal.add(applied.accessToken);
    personal.add(expertToken);
    const calls: [string, string, unknown?][] = [
      ['GET', '/v1/webhooks'],
      ['POST', '/v1/webhooks', { url: 'https://evil.example.jp/x', events: ['session.booked'] }],
      ['DELETE', `/v1/webhooks/${endpoint.id}`],
      ['POST', `/v1/webhooks/${endpoint.id}/rotate-secret`],
      ['GET', `/v1/webhooks/${endpoint.id}/deliveries`],
      ['POST', `/v1/webhooks/${endpoint.id}/deliveries/${delivery?.id}/redeliver`],
      ['GET', '/v1/notifications?status=dead'],
      ['GET', '/v1/notifications'],
    ];
    for (const [method, path, body] of calls) {
      for (const token of [applied.accessToken, expertToken]) {
        const res = await api.call(method, path, { token, body });
        expectProblem(res, 403, 'forbidden');
        expect(res.text).not.toContain('hook');
      }
      expectProblem(await api.call(method, path, { token: null, body }), 401, 'unauthorized');
    }
    expect((await api.call('GET', '/v1/webhooks')).body.items).toHaveLength(1);
  });
});

describe('the dispatcher’s log', () => {
  it('names ids, events and codes only: no address, name, URL, secret or token', () => {
    expect(logs.length).toBeGreaterThan(10);
    const text = JSON.stringify(logs);
    for (const value of personal) expect(text).not.toContain(value);
    expect(text).not.toContain('@');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('http://');
    expect(text).not.toContain('whsec_');
  });
});
