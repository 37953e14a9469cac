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

  addTwilio(message: SimTwilioMessage): void {
    this.messages.push(message);
    this.twilioBySid.set(message.sid, message);
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
