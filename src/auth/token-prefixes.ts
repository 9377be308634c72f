/** The prefix of each issued token's secret, by role: a leaked secret says what it opens. */
export const TOKEN_PREFIXES = { staff: 'hks', viewer: 'hkv', expert: 'hke' } as const;

export type IssuedRole = keyof typeof TOKEN_PREFIXES;

export const isIssuedRole = (role: unknown): role is IssuedRole =>
  typeof role === 'string' && Object.hasOwn(TOKEN_PREFIXES, role);
