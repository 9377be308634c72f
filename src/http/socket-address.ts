import { getConnInfo } from '@hono/node-server/conninfo';
import type { ClientAddress } from './rate-limit.ts';

/**
 * The peer of the request's socket on Node. An in-process call (app.request without the
 * server's bindings) has none, and is not rate-limited.
 */
export const socketAddress: ClientAddress = (c) => {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
};
