import { chance, type RandomSource } from './seeded-random';

/** Ways the simulated Twilio Messages API can refuse or mishandle a create request. */
export const TWILIO_ERROR_MODES = [
  'rate-limited', // 429, code 20429
  'server-error', // 500, code 20500
  'timeout', // the request hangs; no message is created
  'accept-then-timeout', // the message is created, but the request hangs like `timeout`
  'opted-out', // 400, code 21610
  'whatsapp-window-closed', // accepted, then failed with 63016 (free-form WhatsApp only)
] as const;
export type TwilioErrorMode = (typeof TWILIO_ERROR_MODES)[number];

export function isTwilioErrorMode(value: unknown): value is TwilioErrorMode {
  return typeof value === 'string' && (TWILIO_ERROR_MODES as readonly string[]).includes(value);
}

/** A refusal answered with a Twilio error body. */
export interface TwilioRefusal {
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

/**
 * What a create request does under a mode: whether a message is stored (its status callbacks then
 * play as for a normal send), and how the request is answered: `resource` = 201 with the message,
 * `hang` = no answer, the connection is dropped after `TWILIO_HANG_MS`.
 */
export type CreateHandling =
  | { readonly create: true; readonly reply: 'resource' | 'hang' }
  | { readonly create: false; readonly reply: 'hang' | TwilioRefusal };

export function createHandling(mode: TwilioErrorMode | undefined): CreateHandling {
  switch (mode) {
    case 'rate-limited':
      return { create: false, reply: { status: 429, code: 20429, message: 'Too Many Requests' } };
    case 'server-error':
      return {
        create: false,
        reply: { status: 500, code: 20500, message: 'Internal Server Error' },
      };
    case 'timeout':
      return { create: false, reply: 'hang' };
    case 'accept-then-timeout':
      return { create: true, reply: 'hang' };
    case 'opted-out':
      return {
        create: false,
        reply: { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
      };
    case 'whatsapp-window-closed':
    case undefined:
      return { create: true, reply: 'resource' };
  }
}

export interface ErrorModeRule {
  readonly mode: TwilioErrorMode;
  /** Applies to this many more requests, then clears itself; absent = until cleared. */
  readonly remaining?: number;
}

export interface ErrorModeRates {
  /** Share of create requests answered 429 when no rule applies (0..1). */
  readonly rateLimited: number;
  /** Share of create requests answered 500 when no rule applies (0..1). */
  readonly serverError: number;
}

/**
 * Rules per destination number (as sent in `To`, e.g. `whatsapp:+34600000001`) and one global rule.
 * A destination's rule wins over the global one; random 429/500 rates apply only when neither does.
 */
export class ErrorModeTable {
  private globalRule: ErrorModeRule | undefined;
  private readonly byDestination = new Map<string, ErrorModeRule>();

  setGlobal(rule: ErrorModeRule | undefined): void {
    this.globalRule = rule;
  }

  setForDestination(to: string, rule: ErrorModeRule | undefined): void {
    if (rule) {
      this.byDestination.set(to, rule);
    } else {
      this.byDestination.delete(to);
    }
  }

  clear(): void {
    this.globalRule = undefined;
    this.byDestination.clear();
  }

  snapshot(): { global: ErrorModeRule | null; byDestination: Record<string, ErrorModeRule> } {
    return {
      global: this.globalRule ?? null,
      byDestination: Object.fromEntries(this.byDestination),
    };
  }

  /** The mode for one create request, consuming one use of a counted rule. */
  select(to: string, rates: ErrorModeRates, random: RandomSource): TwilioErrorMode | undefined {
    const own = this.byDestination.get(to);
    if (own) {
      return this.consume(own, (next) => this.setForDestination(to, next));
    }
    if (this.globalRule) {
      return this.consume(this.globalRule, (next) => this.setGlobal(next));
    }
    // Draw both so the stream position does not depend on the configured rates.
    const rateLimited = chance(random, rates.rateLimited);
    const serverError = chance(random, rates.serverError);
    if (rateLimited) {
      return 'rate-limited';
    }
    return serverError ? 'server-error' : undefined;
  }

  private consume(
    rule: ErrorModeRule,
    replace: (next: ErrorModeRule | undefined) => void,
  ): TwilioErrorMode | undefined {
    if (rule.remaining === undefined) {
      return rule.mode;
    }
    if (rule.remaining <= 0) {
      replace(undefined);
      return undefined;
    }
    replace(rule.remaining === 1 ? undefined : { mode: rule.mode, remaining: rule.remaining - 1 });
    return rule.mode;
  }
}
