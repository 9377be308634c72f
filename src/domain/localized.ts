export type Localized = { ja: string; en: string };
