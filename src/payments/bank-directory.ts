import type { BankDirectory } from '../domain/bank-account.ts';
import { ApiError } from '../http/errors.ts';

// zengin-code's data set is 5 MB of JavaScript: it is imported the first time an account is
// checked or a transfer file is built, not when the server starts. The Workers build swaps the
// package for an empty stand-in (wrangler.toml `[alias]`, ./no-bank-directory.ts): a Worker
// would parse those 5 MB on a cold start for a monthly export, so accounts are checked and 全銀
// files built by the Node server.

/** This runtime carries no bank directory (the Workers build). */
export class BankDirectoryUnavailable extends Error {
  override name = 'BankDirectoryUnavailable';
}

let directory: Promise<BankDirectory> | undefined;

export function loadBankDirectory(): Promise<BankDirectory> {
  directory ??= import('zengin-code').then((module) => {
    if (!module.default) {
      throw new BankDirectoryUnavailable('The bank directory (zengin-code) is not in this build');
    }
    return module.default;
  });
  return directory;
}

/** The directory for a route: where this runtime has none, 501 saying where `what` is done. */
export async function bankDirectoryFor(what: string): Promise<BankDirectory> {
  try {
    return await loadBankDirectory();
  } catch (error) {
    if (error instanceof BankDirectoryUnavailable) {
      throw new ApiError(
        'not-available',
        `${what} by the Node server: this one carries no bank directory`,
      );
    }
    throw error;
  }
}
