/**
 * RFC 5545 §3.1 line folding, the same cut points as ical-generator's `foldLines` (a break
 * before the octet that would take a line past 74, a space leading each continuation, a
 * surrogate pair never split). ical-generator measures every character with a new
 * TextEncoder, which costs about half a second for a feed of 2,000 visits; this counts
 * UTF-8 octets from the UTF-16 code units instead.
 */
export function foldLines(text: string): string {
  return text.split('\r\n').map(foldLine).join('\r\n');
}

const MAX_OCTETS = 74;
// A UTF-16 code unit is at most 3 octets in UTF-8, so a line this short never needs a fold.
const ALWAYS_FITS = Math.floor(MAX_OCTETS / 3);

function foldLine(line: string): string {
  if (line.length <= ALWAYS_FITS) return line;
  let folded = '';
  let from = 0;
  let octets = 0;
  for (let i = 0; i < line.length; ) {
    const unit = line.charCodeAt(i);
    const pair = unit >= 0xd800 && unit <= 0xdbff;
    const width = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3;
    octets += width;
    if (octets > MAX_OCTETS) {
      folded += `${line.slice(from, i)}\r\n `;
      from = i;
      octets = width;
    }
    i += pair ? 2 : 1;
  }
  return from === 0 ? line : folded + line.slice(from);
}
