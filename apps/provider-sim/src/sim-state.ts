import { randomBytes } from 'node:crypto';
import { ErrorModeTable } from './domain/error-modes';
import type { MessageStatus } from './domain/outcomes';
import { randomFor, type RandomSource } from './domain/seeded-random';
import type { SimSettings } from './domain/settings';

export interface StatusEvent {
  readonly status: string;
  readonly at: string;
  readonly errorCode?: number;
}

export interface SimTwilioMessage {
  readonly channel: 'sms' | 'whatsapp';
  readonly direction: 'outbound-api' | 'inbound';
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string | null;
  readonly body: string | null;
  readonly messagingServiceSid: string | null;
  readonly contentSid: string | null;
  readonly contentVariables: string | null;
  readonly statusCallback: string | null;
  readonly dateCreated: Date;
  status: MessageStatus | 'received';
  errorCode: number | null;
  dateUpdated: Date;
  dateSent: Date | null;
  readonly history: StatusEvent[];
}

export interface SimEmail {
  readonly channel: 'email';
  readonly messageId: string;
  readonly sgMessageId: string;
  readonly to: string;
  readonly from: string;
  readonly subject: string | null;
  readonly text: string | null;
  readonly customArgs: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly history: StatusEvent[];
}

export type SimMessage = SimTwilioMessage | SimEmail;

/** Everything the simulator remembers: messages, runtime settings, error modes. In memory only. */
export class SimState {
  readonly errorModes = new ErrorModeTable();
  private readonly messages: SimMessage[] = [];
  private readonly twilioBySid = new Map<string, SimTwilioMessage>();
  private readonly counters = new Map<string, number>();
  private readonly requestsByTo = new Map<string, number>();
  private readonly createdByTo = new Map<string, number>();
  /** When each Messages create request arrived (ms since the epoch): pacing is checked on it. */
  private readonly requestTimes: number[] = [];

  constructor(
    readonly seed: string,
    private readonly initialSettings: SimSettings,
  ) {
    this.settings = initialSettings;
  }

  settings: SimSettings;

  /** A seeded stream for the n-th use of `key` (e.g. the n-th request to one number). */
  nextRandom(key: string): RandomSource {
    const n = this.counters.get(key) ?? 0;
    this.counters.set(key, n + 1);
    return randomFor(this.seed, `${key}#${n}`);
  }

  /** One create request that reached the Messages API for `to` (whatever its outcome). */
  countRequest(to: string): void {
    this.requestsByTo.set(to, (this.requestsByTo.get(to) ?? 0) + 1);
    this.requestTimes.push(Date.now());
  }

  addTwilio(message: SimTwilioMessage): void {
    this.messages.push(message);
    this.twilioBySid.set(message.sid, message);
    if (message.direction === 'outbound-api') {
      this.createdByTo.set(message.to, (this.createdByTo.get(message.to) ?? 0) + 1);
    }
  }

  /** Per `To`: create requests received and outbound messages created (Twilio only). */
  stats(): {
    requests: Record<string, number>;
    created: Record<string, number>;
    requestTimes: readonly number[];
  } {
    return {
      requests: Object.fromEntries(this.requestsByTo),
      created: Object.fromEntries(this.createdByTo),
      requestTimes: this.requestTimes,
    };
  }

  /** Twilio messages of one account, newest first, as the Messages list resource returns them. */
  twilioMessages(accountSid: string): SimTwilioMessage[] {
    return this.messages
      .filter(
        (message): message is SimTwilioMessage =>
          message.channel !== 'email' && message.accountSid === accountSid,
      )
      .reverse();
  }

  addEmail(email: SimEmail): void {
    this.messages.push(email);
  }

  twilioMessage(sid: string): SimTwilioMessage | undefined {
    return this.twilioBySid.get(sid);
  }

  list(filter: { to?: string; channel?: string } = {}): readonly SimMessage[] {
    return this.messages.filter(
      (message) =>
        (filter.to === undefined || message.to === filter.to) &&
        (filter.channel === undefined || message.channel === filter.channel),
    );
  }

  reset(): void {
    this.messages.length = 0;
    this.twilioBySid.clear();
    this.counters.clear();
    this.requestsByTo.clear();
    this.createdByTo.clear();
    this.requestTimes.length = 0;
    this.errorModes.clear();
    this.settings = this.initialSettings;
  }
}

/** Ids are random, not seeded: a restarted simulator must not reuse a sid a consumer has stored. */
export function twilioSid(prefix: 'SM'): string {
  return prefix + randomBytes(16).toString('hex');
}

export function sendgridMessageId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}
