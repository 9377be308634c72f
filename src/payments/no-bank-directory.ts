// What `zengin-code` resolves to in the Workers build (wrangler.toml `[alias]`): no data set,
// so loadBankDirectory reports it unavailable rather than a Worker parsing 5 MB of banks.
const banks = null;
export default banks;
