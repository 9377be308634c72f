import { en } from './en.ts';
import { ja } from './ja.ts';
import type { Lang } from './lang.ts';

export type Strings = typeof ja;

export function stringsFor(lang: string): Strings {
  return lang === 'en' ? en : ja;
}

/** A name from the taxonomy in the page language. */
export const named = (t: Strings, name: { ja: string; en: string }) => name[t.lang as Lang];
