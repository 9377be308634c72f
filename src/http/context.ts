import type { Config } from '../config.ts';
import type { Db } from '../db/types.ts';
import type { FetchFeed } from '../feeds/sync.ts';

export type Deps = {
  db: Db;
  config: Config;
  /** Injected so tests can place "now" anywhere; nothing else reads the wall clock. */
  clock: () => Date;
  /** How incoming calendar feeds are fetched: Node's guarded transport, or fetch on Workers. */
  fetchFeed: FetchFeed;
};

export type Principal =
  | { role: 'staff'; tokenId: string | null }
  // The ministry's officials: reads only, company contacts masked.
  | { role: 'viewer'; tokenId: string }
  // An expert signed in on the pages (a web session) holds no token.
  | { role: 'expert'; tokenId: string | null; expertId: string }
  | { role: 'company'; tokenId: string; requestId: string };

export type Role = Principal['role'];

export type AppEnv = {
  Variables: {
    deps: Deps;
    principal: Principal | null;
    requestId: string;
    /** A credential carried in the URL (a status link, a feed) was unknown: counts as a failure. */
    credentialRefused?: boolean;
  };
};
