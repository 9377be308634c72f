// 法人番号 (corporate number), as the National Tax Agency assigns it: a check digit followed by
// a 12-digit body. It identifies the company, so a mistyped number must fail here rather than
// silently name another company.

const bodyPattern = /^[0-9]{12}$/;
const numberPattern = /^[0-9]{13}$/;

export function corporateNumberCheckDigit(body12: string): number {
  if (!bodyPattern.test(body12)) throw new RangeError(`not 12 digits: ${body12}`);
  let sum = 0;
  // n counts from the right, starting at 1; odd positions weigh 1, even positions 2.
  for (let n = 1; n <= 12; n++) sum += Number(body12[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return 9 - (sum % 9);
}

export function isValidCorporateNumber(value: string): boolean {
  return (
    numberPattern.test(value) && Number(value[0]) === corporateNumberCheckDigit(value.slice(1))
  );
}
