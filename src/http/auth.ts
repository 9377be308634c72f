import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { hashSecret } from '../auth/secrets.ts';
import { tokens } from '../db/schema.ts';
import { statement } from '../db/statement.ts';
import type { AppEnv, Deps, Principal, Role } from './context.ts';
import { ApiError } from './errors.ts';

/**
 * The key under which a page's in-process call to the API carries the principal of its
 * signed-in browser (src/ui/api-client.ts): the runtime's bindings, which no client can set,
 * so only the pages can act for a web session, and a session's secret is never a bearer token.
 */
export const PAGE_PRINCIPAL = Symbol('haken.page-principal');

/**
 * Resolves the bearer token, if any, to a principal. A token that is present but unknown,
 * revoked, expired or malformed is refused at once (401) rather than treated as anonymous.
 * Without one, a page's in-process call acts for its signed-in browser.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization');
  const { deps } = c.var;
  c.set(
    'principal',
    header === undefined ? pagePrincipal(c.env) : await principalOf(deps, bearerToken(header)),
  );
  await next();
};

function pagePrincipal(env: unknown): Principal | null {
  const carried = (env as { [PAGE_PRINCIPAL]?: Principal } | undefined)?.[PAGE_PRINCIPAL];
  return carried ?? null;
}

function bearerToken(header: string): string {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,200})$/.exec(header.trim());
  if (!match?.[1]) throw new ApiError('unauthorized', 'Authorization must be "Bearer <token>"');
  return match[1];
}

const liveToken = statement((q) =>
  q
    .select({
      id: tokens.id,
      role: tokens.role,
      expertId: tokens.expertId,
      requestId: tokens.requestId,
      lastUsedAt: tokens.lastUsedAt,
    })
    .from(tokens)
    .where(
      and(
        eq(tokens.hash, sql.placeholder('hash')),
        isNull(tokens.revokedAt),
        or(isNull(tokens.expiresAt), gt(tokens.expiresAt, sql.placeholder('now'))),
      ),
    )
    .limit(1),
);

const touchToken = statement((q) =>
  q
    .update(tokens)
    .set({ lastUsedAt: sql`${sql.placeholder('now')}::timestamptz` })
    .where(eq(tokens.id, sql.placeholder('id'))),
);

/** How stale a token's last use may be before a request records it again. */
const TOUCH_MS = 60_000;

/** The principal a bearer token stands for; 401 when it is unknown, revoked or expired. */
export async function principalOf(deps: Deps, token: string): Promise<Principal> {
  const { db, config } = deps;
  const hash = hashSecret(token);
  // Comparing hashes keeps the bootstrap check constant-time in the secret.
  if (config.staffToken && hash === hashSecret(config.staffToken)) {
    return { role: 'staff', tokenId: null };
  }
  const now = deps.clock();
  const [row] = await liveToken(db, { hash, now: now.toISOString() });
  if (!row) throw new ApiError('unauthorized', 'The token is unknown, revoked or expired');
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_MS) {
    await touchToken(db, { id: row.id, now: now.toISOString() });
  }
  if (row.role === 'expert' && row.expertId) {
    return { role: 'expert', tokenId: row.id, expertId: row.expertId };
  }
  if (row.role === 'company' && row.requestId) {
    return { role: 'company', tokenId: row.id, requestId: row.requestId };
  }
  if (row.role === 'staff') return { role: 'staff', tokenId: row.id };
  if (row.role === 'viewer') return { role: 'viewer', tokenId: row.id };
  throw new ApiError('unauthorized', 'The token is unknown, revoked or expired');
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
  return { role: principal.role, id: principal.tokenId };
}
