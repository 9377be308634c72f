import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { fetchFeedWeb } from './calendar/fetch-web.ts';
import { isUnavailable, sqlState } from './db/errors.ts';
import type { FetchFeed } from './feeds/sync.ts';
import { authenticate } from './http/auth.ts';
import type { AppEnv, Deps } from './http/context.ts';
import { ApiError, type ErrorCode, problemOf } from './http/errors.ts';
import { type Log, silentLog } from './http/log.ts';
import { requestLog, requireJsonBody } from './http/middleware.ts';
import { type ClientAddress, rateLimits } from './http/rate-limit.ts';
import { REFUSED_BODY_HEADERS } from './http/refused-body.ts';
import { router } from './http/router.ts';
import { registerAudit } from './routes/audit/index.ts';
import { registerBankAccounts } from './routes/bank-accounts/index.ts';
import { registerBudget } from './routes/budget/index.ts';
import { registerCompanies } from './routes/companies/index.ts';
import { registerExperts } from './routes/experts/index.ts';
import { registerFeeds } from './routes/feeds/index.ts';
import { registerFees } from './routes/fees/index.ts';
import { registerMe } from './routes/me/index.ts';
import { registerMeta } from './routes/meta/index.ts';
import { registerPayments } from './routes/payments/index.ts';
import { registerReadiness } from './routes/readiness/index.ts';
import { registerReports } from './routes/reports/index.ts';
import { registerRequests } from './routes/requests/index.ts';
import { registerSessions } from './routes/sessions/index.ts';
import { registerSignInLinks } from './routes/sign-in-links/index.ts';
import { registerSurveys } from './routes/surveys/index.ts';
import { registerTokens } from './routes/tokens/index.ts';
import { registerTravelClaims } from './routes/travel-claims/index.ts';
import { isReceiptUpload, MAX_UPLOAD_BYTES } from './routes/travel-claims/receipts.ts';
import { registerWebhooks } from './routes/webhooks/index.ts';
import { registerUi } from './ui/index.ts';

const MAX_BODY_BYTES = 256 * 1024;

export type AppOptions = Omit<Deps, 'fetchFeed'> & {
  fetchFeed?: FetchFeed;
  log?: Log;
  /** Who is calling, for the rate limits; none (in-process callers) are not limited. */
  clientAddress?: ClientAddress;
};

/** The whole HTTP API on fixed dependencies (Node, tests). */
export function createApp({
  log = silentLog,
  fetchFeed = fetchFeedWeb,
  clientAddress,
  ...deps
}: AppOptions) {
  const fixed: Deps = { ...deps, fetchFeed };
  return createAppWith(() => fixed, log, clientAddress);
}

/**
 * The whole HTTP API, runtime-neutral, with dependencies resolved per request: a Worker opens
 * its database client per request (Hyperdrive) and hands it in through `c.env`.
 */
export function createAppWith(
  depsFor: (c: Context<AppEnv>) => Deps,
  log: Log = silentLog,
  clientAddress: ClientAddress = () => undefined,
) {
  const app = router();
  const limits = rateLimits(clientAddress);

  app.use('*', requestLog(log));
  // Pages set stricter headers of their own; let those stand.
  app.use('*', secureHeaders({ overwrite: false }));
  app.use('*', async (c, next) => {
    c.set('deps', depsFor(c));
    await next();
  });
  // Before the body is read: a throttled client costs no parsing.
  app.use('/v1/requests', limits.apply);
  app.use('/v1/sign-in-links', limits.apply);
  app.use('*', limits.authFailures);
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(
        'payload-too-large',
        `The body may be at most ${MAX_BODY_BYTES} bytes`,
        undefined,
        REFUSED_BODY_HEADERS,
      );
    },
  });
  const limitUpload = bodyLimit({
    maxSize: MAX_UPLOAD_BYTES,
    onError: () => {
      throw new ApiError(
        'payload-too-large',
        'A receipt is at most 5 MB',
        undefined,
        REFUSED_BODY_HEADERS,
      );
    },
  });
  // Asking for the body makes the Node adapter build a full Request; a GET has none to limit.
  // A receipt is a file of its own, larger than any JSON body and not JSON.
  app.use('/v1/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD'
      ? next()
      : isReceiptUpload(c)
        ? limitUpload(c, next)
        : limitBody(c, next),
  );
  app.use('/v1/*', (c, next) => (isReceiptUpload(c) ? next() : requireJsonBody(c, next)));
  app.use('*', authenticate);

  registerMeta(app);
  registerRequests(app);
  registerSessions(app);
  registerExperts(app);
  registerTokens(app);
  registerSignInLinks(app);
  registerMe(app);
  registerFeeds(app);
  registerAudit(app);
  registerReports(app);
  registerWebhooks(app);
  registerFees(app);
  registerBudget(app);
  registerBankAccounts(app);
  registerTravelClaims(app);
  registerPayments(app);
  registerSurveys(app);
  registerReadiness(app);
  registerCompanies(app);
  registerUi(app, log);

  app.notFound((c) =>
    problem(c, new ApiError('not-found', `No route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((error, c) => problem(c, toApiError(error, c, log)));
  return app;
}

export type App = ReturnType<typeof createAppWith>;

// What Hono's own middleware throws (a validator's bad JSON, a body limit), in our codes.
const httpExceptionCodes: Partial<Record<number, ErrorCode>> = {
  400: 'malformed-json',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

function toApiError(error: unknown, c: Context<AppEnv>, log: Log): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    const code = httpExceptionCodes[error.status];
    if (code) return new ApiError(code, error.message);
  }
  if (isUnavailable(error)) {
    return new ApiError(
      'database-unavailable',
      'The database cannot be reached; try again shortly',
    );
  }
  // A driver error's message can quote query parameters (personal data): log its SQLSTATE only.
  const state = sqlState(error);
  log('error', 'unhandled error', {
    requestId: c.get('requestId'),
    error: state
      ? `database error ${state}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error),
  });
  return new ApiError('internal', 'Something went wrong on our side');
}

function problem(c: Context<AppEnv>, error: ApiError) {
  return c.body(JSON.stringify(problemOf(error, c.get('requestId'))), error.status as 400, {
    'Content-Type': 'application/problem+json',
    ...error.headers,
  });
}
