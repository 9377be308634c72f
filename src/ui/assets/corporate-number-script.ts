// Served as /ui/corporate-number.js: checks a 法人番号 while it is typed, as a hint only (the API
// checks it again on submit). The normalisation and check digit are those of
// src/domain/corporate-number.ts and src/ui/apply/form-data.ts; test/api/ui.test.ts holds the
// two to the same answers. Messages come from the input's data attributes, in the page language.

export const corporateNumberScript = `'use strict';
function corporateNumberDigits(value) {
  return value.normalize('NFKC').replace(/[\\s-]/g, '');
}
function isCorporateNumber(digits) {
  if (!/^[0-9]{13}$/.test(digits)) return false;
  var sum = 0;
  for (var n = 1; n <= 12; n++) sum += Number(digits[13 - n]) * (n % 2 === 1 ? 1 : 2);
  return Number(digits[0]) === 9 - (sum % 9);
}
document.querySelectorAll('input[data-corporate-number]').forEach(function (input) {
  var live = document.getElementById(input.getAttribute('data-live'));
  if (!live) return;
  function show(finished) {
    var digits = corporateNumberDigits(input.value);
    var state = '';
    var message = '';
    if (/[^0-9]/.test(digits)) {
      state = 'bad';
      message = input.dataset.msgDigits;
    } else if (digits.length > 13 || (finished && digits.length > 0 && digits.length < 13)) {
      state = 'bad';
      message = input.dataset.msgLength.replace('{n}', String(digits.length));
    } else if (digits.length === 13) {
      state = isCorporateNumber(digits) ? 'ok' : 'bad';
      message = state === 'ok' ? input.dataset.msgOk : input.dataset.msgCheck;
    }
    live.textContent = message;
    live.className = 'live' + (state ? ' ' + state : '');
    if (state === 'bad') input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  input.addEventListener('input', function () { show(false); });
  input.addEventListener('change', function () { show(true); });
});
`;
