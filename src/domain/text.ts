// Text that reaches other people (emails, pages, CSV): a single-line field holds no control
// characters at all, a multi-line one none but LF. U+2028 and U+2029 are not control characters
// but break lines wherever they are shown, and the bidirectional overrides and isolates make a
// name read otherwise than it is stored, so they count as such here.

const controlCharacter = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

export function isSingleLineText(text: string): boolean {
  return !controlCharacter.test(text);
}

export function isMultiLineText(text: string): boolean {
  return !controlCharacter.test(text.replaceAll('\n', ''));
}

/** Characters as a reader counts them: code points, so an emoji is one, not two. */
export function characterCount(text: string): number {
  return [...text].length;
}
