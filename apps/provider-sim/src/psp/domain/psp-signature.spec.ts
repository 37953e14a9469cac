import { createHmac } from 'node:crypto';
import { pspSignatureHeader, pspSignatureV1 } from './psp-signature';

const BODY = '{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}';

describe('sandbox PSP webhook signature', () => {
  it('is hex HMAC-SHA256 over "<t>.<raw body>"', () => {
    const expected = createHmac('sha256', 'whsec_test').update(`1700000000.${BODY}`).digest('hex');
    expect(pspSignatureV1('whsec_test', 1700000000, BODY)).toBe(expected);
    expect(pspSignatureV1('whsec_test', 1700000001, BODY)).not.toBe(expected);
    expect(pspSignatureV1('whsec_other', 1700000000, BODY)).not.toBe(expected);
    expect(pspSignatureV1('whsec_test', 1700000000, `${BODY} `)).not.toBe(expected);
  });

  it('carries the timestamp and one v1 per secret, in order', () => {
    const header = pspSignatureHeader(['whsec_new', 'whsec_old'], 1700000000, BODY);
    expect(header).toBe(
      `t=1700000000,v1=${pspSignatureV1('whsec_new', 1700000000, BODY)},v1=${pspSignatureV1('whsec_old', 1700000000, BODY)}`,
    );
    expect(header).toMatch(/^t=1700000000(,v1=[0-9a-f]{64}){2}$/);
  });
});
