import iconv from 'iconv-lite';
import { ZENGIN_RECORD_LENGTH } from '../domain/zengin.ts';

// The bytes of a 全銀 file from its records (src/domain/zengin.ts lays them out).
//
// The standard's records are fixed-length 120 bytes; the transmission protocol needs no line
// breaks, but the files banks' internet-banking services take for upload are commonly written
// with CRLF after each record, and most take either form. CRLF is the default: staff can open
// the file and read a record a line; `lineBreak: 'none'` gives the bare fixed-length form for a
// bank that wants it.

export type ZenginLineBreak = 'crlf' | 'none';

const separators: Record<ZenginLineBreak, string> = { crlf: '\r\n', none: '' };

export function encodeZenginFile(
  records: readonly string[],
  options: { lineBreak?: ZenginLineBreak } = {},
): Uint8Array {
  const separator = separators[options.lineBreak ?? 'crlf'];
  const parts = records.map((record, i) => {
    const bytes = iconv.encode(record, 'Shift_JIS');
    // iconv-lite writes "?" for what Shift_JIS lacks and two bytes for full-width characters:
    // either would shift every later field, so a record must come back exactly as it went in.
    if (bytes.length !== ZENGIN_RECORD_LENGTH || iconv.decode(bytes, 'Shift_JIS') !== record) {
      throw new Error(
        `全銀 record ${i + 1} is ${bytes.length} bytes in Shift_JIS or does not round-trip, not ${ZENGIN_RECORD_LENGTH} single-byte characters`,
      );
    }
    return Buffer.concat([bytes, Buffer.from(separator, 'latin1')]);
  });
  return Buffer.concat(parts);
}
