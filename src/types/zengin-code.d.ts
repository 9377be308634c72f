// zengin-code ships its data set as CommonJS without types: banks by 4-digit code, each with
// its branches by 3-digit code; names in kanji (`name`), full-width katakana (`kana`, small
// kana already written large), hiragana and romaji.
declare module 'zengin-code' {
  type Entry = { code: string; name: string; kana: string; hira: string; roma: string };
  const banks: Readonly<Record<string, Entry & { branches: Readonly<Record<string, Entry>> }>>;
  export default banks;
}
