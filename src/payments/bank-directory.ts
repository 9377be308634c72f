import type { BankDirectory } from '../domain/bank-account.ts';

// zengin-code's data set is 5 MB of JavaScript: it is imported the first time an account is
// checked or a transfer file is built, not when the server starts.
let directory: Promise<BankDirectory> | undefined;

export function loadBankDirectory(): Promise<BankDirectory> {
  directory ??= import('zengin-code').then((module) => module.default);
  return directory;
}
