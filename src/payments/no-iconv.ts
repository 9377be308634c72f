// What `iconv-lite` resolves to in the Workers build (wrangler.toml `[alias]`): a Worker builds
// no 全銀 file (it carries no bank directory, ./no-bank-directory.ts, and refuses before it would
// encode one), so it carries no Shift_JIS tables either.
function unavailable(): never {
  throw new Error('Shift_JIS encoding is not in the Workers build');
}

export default { encode: unavailable, decode: unavailable };
