import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { hashSecret } from '../auth/secrets.ts';
import { tokens } from '../db/schema.ts';
import { statement } from '../db/statement.ts';
import type { AppEnv, Principal, Role } from './context.ts';
import { ApiError } from './errors.ts';

/**
 * Resolves the bearer token, if any, to a principal. A token that is present but unknown,
 * revoked or malformed is refused at once (401) rather than treated as anonymous.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization');
  c.set('principal', header === undefined ? null : await resolve(c, header));
  await next();
};

const liveToken = statement((q) =>
  q
    .select({
      id: tokens.id,
      role: tokens.role,
      expertId: tokens.expertId,
      requestId: tokens.requestId,
    })
    .from(tokens)
    .where(and(eq(tokens.hash, sql.placeholder('hash')), isNull(tokens.revokedAt)))
    .limit(1),
);

async function resolve(c: Context<AppEnv>, header: string): Promise<Principal> {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,200})$/.exec(header.trim());
  if (!match?.[1]) throw new ApiError('unauthorized', 'Authorization must be "Bearer <token>"');
  const { db, config } = c.get('deps');
  const hash = hashSecret(match[1]);
  // Comparing hashes keeps the bootstrap check constant-time in the secret.
  if (config.staffToken && hash === hashSecret(config.staffToken)) {
    return { role: 'staff', tokenId: null };
  }
  const [row] = await liveToken(db, { hash });
  if (row?.role === 'staff') return { role: 'staff', tokenId: row.id };
  if (row?.role === 'expert' && row.expertId) {
    return { role: 'expert', tokenId: row.id, expertId: row.expertId };
  }
  if (row?.role === 'company' && row.requestId) {
    return { role: 'company', tokenId: row.id, requestId: row.requestId };
  }
  throw new ApiError('unauthorized', 'The token is unknown or revoked');
}

/** The caller, who must hold one of `roles`: none is 401, another role is 403. */
export function requireRole<R extends Role>(
  c: Context<AppEnv>,
  ...roles: R[]
): Extract<Principal, { role: R }> {
  const principal = c.get('principal');
  if (!principal) throw new ApiError('unauthorized', 'A bearer token is required');
  if (!(roles as Role[]).includes(principal.role)) {
    throw new ApiError('forbidden', `This route is for ${roles.join(' or ')} tokens`);
  }
  return principal as Extract<Principal, { role: R }>;
}

/** Who did it, for audit events. */
export function actorOf(principal: Principal | null): { role: string; id: string | null } {
  if (!principal) return { role: 'anonymous', id: null };
  if (principal.role === 'expert') return { role: 'expert', id: principal.expertId };
  if (principal.role === 'company') return { role: 'company', id: principal.requestId };
  return { role: 'staff', id: principal.tokenId };
}
