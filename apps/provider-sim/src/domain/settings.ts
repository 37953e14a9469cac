import type { ErrorModeRates } from './error-modes';
import type { OutcomeRates } from './outcomes';

/** What PUT /sim/config can change while the simulator runs. */
export interface SimSettings {
  readonly twilioStatusDelayMs: number;
  readonly sendgridEventDelayMs: number;
  readonly inboundWebhookUrl: string | null;
  readonly sendgridEventWebhookUrl: string | null;
  /** Where sandbox PSP events are posted; null = events are only recorded. */
  readonly pspWebhookUrl: string | null;
  /** How long a sandbox PSP collection stays pending before it settles. */
  readonly pspCollectionSettleAfterMs: number;
  readonly rates: OutcomeRates & ErrorModeRates;
}

export type SettingsPatchResult =
  | { readonly ok: true; readonly settings: SimSettings }
  | { readonly ok: false; readonly problems: string[] };

const DELAYS = [
  'twilioStatusDelayMs',
  'sendgridEventDelayMs',
  'pspCollectionSettleAfterMs',
] as const;
const URLS = ['inboundWebhookUrl', 'sendgridEventWebhookUrl', 'pspWebhookUrl'] as const;
const KNOWN = new Set<string>([...DELAYS, ...URLS, 'rates']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Merges a partial update into the settings, or lists every problem and changes nothing. */
export function applySettingsPatch(current: SimSettings, patch: unknown): SettingsPatchResult {
  if (!isRecord(patch)) {
    return { ok: false, problems: ['body must be a JSON object'] };
  }
  const problems: string[] = Object.keys(patch)
    .filter((key) => !KNOWN.has(key))
    .map((key) => `${key}: unknown setting`);
  const next: { -readonly [K in keyof SimSettings]: SimSettings[K] } = {
    ...current,
    rates: { ...current.rates },
  };
  for (const key of DELAYS) {
    const value = patch[key];
    if (value === undefined) continue;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
      next[key] = value;
    } else {
      problems.push(`${key}: must be a non-negative integer (milliseconds)`);
    }
  }
  for (const key of URLS) {
    const value = patch[key];
    if (value === undefined) continue;
    if (value === null || (typeof value === 'string' && isHttpUrl(value))) {
      next[key] = value;
    } else {
      problems.push(`${key}: must be an http(s) URL or null`);
    }
  }
  const rates = patch['rates'];
  if (rates !== undefined) {
    if (!isRecord(rates)) {
      problems.push('rates: must be an object');
    } else {
      const rateProblems = Object.entries(rates).flatMap(([name, value]) => {
        if (!(name in current.rates)) return [`rates.${name}: unknown rate`];
        if (typeof value !== 'number' || value < 0 || value > 1) {
          return [`rates.${name}: must be a number from 0 to 1`];
        }
        return [];
      });
      problems.push(...rateProblems);
      if (rateProblems.length === 0) {
        next.rates = { ...next.rates, ...(rates as Partial<SimSettings['rates']>) };
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings: next };
}
