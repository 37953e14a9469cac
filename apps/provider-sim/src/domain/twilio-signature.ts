import { createHmac, timingSafeEqual } from 'node:crypto';

export type FormParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * Twilio's request signature (`X-Twilio-Signature`): HMAC-SHA1 with the auth token over the full
 * URL followed by every POST parameter as name + value, names sorted; base64.
 * https://www.twilio.com/docs/usage/security#validating-requests
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => {
      const value = params[name];
      const values = typeof value === 'string' ? [value] : [...(value ?? [])].sort();
      return acc + values.map((item) => name + item).join('');
    }, url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

export function isValidTwilioSignature(
  authToken: string,
  signature: string,
  url: string,
  params: FormParams,
): boolean {
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
