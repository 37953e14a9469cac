import { nonGsm7Characters, smsSegments } from './sms-segments';

describe('smsSegments', () => {
  it.each([
    ['empty', '', 'gsm7', 0, 0],
    ['160 GSM-7 characters', 'a'.repeat(160), 'gsm7', 160, 1],
    ['161 GSM-7 characters', 'a'.repeat(161), 'gsm7', 161, 2],
    ['306 GSM-7 characters', 'a'.repeat(306), 'gsm7', 306, 2],
    ['307 GSM-7 characters', 'a'.repeat(307), 'gsm7', 307, 3],
    ['Spanish letters inside GSM-7', 'ñÑüÜéÉ¿¡àèìòù', 'gsm7', 13, 1],
    ['extension characters cost two', '€'.repeat(80), 'gsm7', 160, 1],
    ['one extension character too many', `${'€'.repeat(80)}a`, 'gsm7', 161, 2],
    ['70 UCS-2 characters', `á${'a'.repeat(69)}`, 'ucs2', 70, 1],
    ['71 UCS-2 characters', `á${'a'.repeat(70)}`, 'ucs2', 71, 2],
    ['134 UCS-2 characters', `í${'a'.repeat(133)}`, 'ucs2', 134, 2],
    ['135 UCS-2 characters', `ó${'a'.repeat(134)}`, 'ucs2', 135, 3],
    ['an emoji counts two code units', '🙂', 'ucs2', 2, 1],
  ])('%s', (_, text, encoding, units, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, units, segments });
  });

  it('names the characters that force UCS-2', () => {
    expect(nonGsm7Characters('más información, ñ')).toEqual(['á', 'ó']);
  });
});
