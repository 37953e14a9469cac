import { timingSafeEqual } from 'node:crypto';

/** The one Twilio account the simulator serves. */
export class TwilioCredentials {
  constructor(
    readonly accountSid: string,
    readonly authToken: string,
  ) {}

  /** True for `Authorization: Basic base64(AccountSid:AuthToken)` naming this account. */
  accepts(authorization: string | undefined, pathAccountSid: string): boolean {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return false;
    const given = Buffer.from(match[1], 'base64');
    const expected = Buffer.from(`${this.accountSid}:${this.authToken}`, 'utf-8');
    return (
      pathAccountSid === this.accountSid &&
      given.length === expected.length &&
      timingSafeEqual(given, expected)
    );
  }
}
