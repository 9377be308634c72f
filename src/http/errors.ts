/** Every failure the API reports, by stable code, with its HTTP status (RFC 9457 problems). */
const statusOf = {
  'validation-failed': 400,
  'malformed-json': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'invalid-transition': 409,
  'slot-taken': 409,
  'quota-exceeded': 409,
  'not-accepted': 409,
  'intake-closed': 409,
  'over-budget': 409,
  'rates-frozen': 409,
  'nothing-to-pay': 409,
  'bank-account-missing': 409,
  'idempotency-in-progress': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'outside-availability': 422,
  'idempotency-key-reused': 422,
  'rate-limited': 429,
  internal: 500,
  'not-available': 501,
  'database-unavailable': 503,
} as const;

export type ErrorCode = keyof typeof statusOf;
export type FieldError = { path: string; message: string };

const titleOf: Record<ErrorCode, string> = {
  'validation-failed': 'The request is not valid',
  'malformed-json': 'The body is not valid JSON',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed for this token',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  'invalid-transition': 'Not possible in the current state',
  'slot-taken': 'The slot is already taken',
  'quota-exceeded': 'Quota exceeded',
  'not-accepted': 'The programme office has not accepted this request',
  'intake-closed': 'Applications are closed for this fiscal year',
  'over-budget': 'This would pass the fiscal year’s budget',
  'rates-frozen': 'The fiscal year’s rates are frozen: a payment of that year has been exported',
  'nothing-to-pay': 'Nothing to pay',
  'bank-account-missing': 'An expert to be paid has no bank account',
  'idempotency-in-progress': 'A request with this Idempotency-Key is still in progress',
  'payload-too-large': 'The body is too large',
  'unsupported-media-type': 'Unsupported content type',
  'outside-availability': 'Outside the expert’s availability',
  'idempotency-key-reused': 'Idempotency-Key reused with a different request',
  'rate-limited': 'Too many requests',
  internal: 'Internal error',
  'not-available': 'Not available on this server',
  'database-unavailable': 'The database is unavailable',
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    /** Response headers the problem goes out with (Retry-After on a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = statusOf[code];
  }
}

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  requestId?: string;
};

export function problemOf(error: ApiError, requestId?: string): Problem {
  return {
    type: `urn:haken:problem:${error.code}`,
    title: titleOf[error.code],
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

export const notFound = (what: string) => new ApiError('not-found', `${what} not found`);

export function invalid(path: string, message: string): ApiError {
  return new ApiError('validation-failed', `${path}: ${message}`, [{ path, message }]);
}
