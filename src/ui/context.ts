import type { AppEnv } from '../http/context.ts';
import type { Api } from './api-client.ts';
import type { Strings } from './i18n/strings.ts';

/** What every page handler has: the API's variables, the page language and an API client. */
export type UiEnv = {
  Variables: AppEnv['Variables'] & { language: string; t: Strings; api: Api };
};
