import type { Context, Hono } from 'hono';
import { PAGE_PRINCIPAL } from '../http/auth.ts';
import type { AppEnv, Principal } from '../http/context.ts';
import type { Problem } from '../http/errors.ts';
import type { UiEnv } from './context.ts';

export type ApiResult<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; problem: Problem };

type CallOptions = {
  /** A bearer token (a company's status link); or else… */
  token?: string | null;
  /** …the principal of the browser's signed-in web session. */
  principal?: Principal;
  body?: unknown;
  /** A file sent as the body itself, under its own content type (a receipt), instead of JSON. */
  file?: { type: string; bytes: Uint8Array };
  idempotencyKey?: string;
};

export type Api = {
  /** The API's JSON answer, or its problem. */
  json: <T>(method: string, path: string, options?: CallOptions) => Promise<ApiResult<T>>;
  /** The API's response as it is (a calendar file, a CSV download). */
  raw: (path: string, as: Pick<CallOptions, 'token' | 'principal'>) => Promise<Response>;
};

/** The API app the pages call into. */
export type ApiApp = Pick<Hono<AppEnv>, 'request'>;

// Where the browser's request came from, as the rate limits read it (a proxy's header, or
// Cloudflare's); on Node the socket's peer travels in the bindings (c.env) themselves.
const CLIENT_HEADERS = ['x-forwarded-for', 'cf-connecting-ip'];

/**
 * The pages are clients of the API: they call it in-process, through the same middleware,
 * authorisation, rate limits and handlers as any other client, so no business rule lives in
 * a page. The request id is passed on, so a page's log line and its API calls' share it.
 */
export function apiClient(app: ApiApp, c: Context<UiEnv>): Api {
  const send = (method: string, path: string, options: CallOptions) => {
    const headers: Record<string, string> = { 'x-request-id': c.get('requestId') };
    for (const name of CLIENT_HEADERS) {
      const value = c.req.header(name);
      if (value !== undefined) headers[name] = value;
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    let body: string | Uint8Array | undefined;
    if (options.file) {
      headers['content-type'] = options.file.type;
      body = options.file.bytes;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const env = options.principal
      ? { ...(c.env as object | undefined), [PAGE_PRINCIPAL]: options.principal }
      : c.env;
    return app.request(path, { method, headers, body }, env);
  };
  return {
    json: async <T>(method: string, path: string, options: CallOptions = {}) => {
      const res = await send(method, path, options);
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : null;
      return res.ok
        ? { ok: true as const, status: res.status, body: parsed as T }
        : { ok: false as const, status: res.status, problem: parsed as Problem };
    },
    raw: async (path, as) => send('GET', path, as),
  };
}
