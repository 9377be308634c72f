import type { TestApi } from './api.ts';

export type IssuedToken = { id: string; role: string; token: string; expertId: string | null };

/** Issues a token as staff and returns the one-time answer `{id, role, token, …}`. */
export async function issueToken(
  api: TestApi,
  body: { role: 'staff' } | { role: 'viewer' } | { role: 'expert'; expertId: string },
): Promise<IssuedToken> {
  const res = await api.call('POST', '/v1/tokens', { body });
  if (res.status !== 201) throw new Error(`token issue failed: ${res.status} ${res.text}`);
  return res.body as IssuedToken;
}
