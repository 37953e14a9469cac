/**
 * How many SMS parts a text takes. GSM-7 (3GPP TS 23.038 default alphabet plus its extension
 * table, whose characters cost two septets) fits 160 per single part and 153 per part of a
 * concatenated message; anything outside it forces UCS-2: 70 and 67 UTF-16 code units.
 * Carriers do not split an escape pair or a surrogate pair across parts; ignoring that can
 * under-count by one part in rare cases, so keep a margin.
 */

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('^{}\\[~]|€\f');

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsSegmentCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

export function smsSegments(text: string): SmsSegmentCount {
  let septets = 0;
  for (const char of text) {
    if (GSM7_BASIC.has(char)) septets += 1;
    else if (GSM7_EXTENSION.has(char)) septets += 2;
    else return count('ucs2', text.length, 70, 67);
  }
  return count('gsm7', septets, 160, 153);
}

/** Characters of `text` that force UCS-2 (e.g. 'á', 'í', 'ó', 'ú', emoji). */
export function nonGsm7Characters(text: string): string[] {
  return [...new Set([...text].filter((c) => !GSM7_BASIC.has(c) && !GSM7_EXTENSION.has(c)))];
}

function count(encoding: SmsEncoding, units: number, single: number, multi: number) {
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi);
  return { encoding, units, segments };
}
