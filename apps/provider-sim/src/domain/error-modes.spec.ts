import { createHandling, ErrorModeTable, isTwilioErrorMode } from './error-modes';
import { seededRandom } from './seeded-random';

const NO_RATES = { rateLimited: 0, serverError: 0 };
const never = (): number => 0.999;

describe('ErrorModeTable', () => {
  it('selects nothing by default', () => {
    expect(new ErrorModeTable().select('+34600000001', NO_RATES, never)).toBeUndefined();
  });

  it('applies a global rule to every destination until cleared', () => {
    const table = new ErrorModeTable();
    table.setGlobal({ mode: 'server-error' });

    expect(table.select('+34600000001', NO_RATES, never)).toBe('server-error');
    expect(table.select('+34600000002', NO_RATES, never)).toBe('server-error');
    table.clear();
    expect(table.select('+34600000001', NO_RATES, never)).toBeUndefined();
  });

  it("prefers a destination's own rule over the global one", () => {
    const table = new ErrorModeTable();
    table.setGlobal({ mode: 'rate-limited' });
    table.setForDestination('+34600000001', { mode: 'opted-out' });

    expect(table.select('+34600000001', NO_RATES, never)).toBe('opted-out');
    expect(table.select('+34600000002', NO_RATES, never)).toBe('rate-limited');
    table.setForDestination('+34600000001', undefined);
    expect(table.select('+34600000001', NO_RATES, never)).toBe('rate-limited');
  });

  it('counts down a rule with remaining uses, then falls back', () => {
    const table = new ErrorModeTable();
    table.setGlobal({ mode: 'timeout' });
    table.setForDestination('whatsapp:+34600000001', { mode: 'rate-limited', remaining: 2 });

    const modes = [1, 2, 3].map(() => table.select('whatsapp:+34600000001', NO_RATES, never));

    expect(modes).toEqual(['rate-limited', 'rate-limited', 'timeout']);
    expect(table.snapshot().byDestination).toEqual({});
  });

  it('answers the configured share of requests with 429 or 500 when no rule applies', () => {
    const table = new ErrorModeTable();
    const random = seededRandom('rates');
    const modes = Array.from({ length: 10_000 }, () =>
      table.select('+34600000001', { rateLimited: 0.2, serverError: 0.1 }, random),
    );
    const limited = modes.filter((mode) => mode === 'rate-limited').length;
    const failed = modes.filter((mode) => mode === 'server-error').length;

    expect(limited).toBeGreaterThan(1_800);
    expect(limited).toBeLessThan(2_200);
    // 500s are drawn among the requests not already rate-limited: 0.8 × 0.1.
    expect(failed).toBeGreaterThan(650);
    expect(failed).toBeLessThan(950);
  });

  it('is deterministic for a seed', () => {
    const run = (): unknown[] => {
      const table = new ErrorModeTable();
      const random = seededRandom('same');
      return Array.from({ length: 50 }, () =>
        table.select('+1', { rateLimited: 0.5, serverError: 0.5 }, random),
      );
    };
    expect(run()).toEqual(run());
  });

  it('selects accept-then-timeout for one destination, counted down like any mode', () => {
    const table = new ErrorModeTable();
    table.setForDestination('+34600000001', { mode: 'accept-then-timeout', remaining: 1 });

    expect(table.select('+34600000002', NO_RATES, never)).toBeUndefined();
    expect(table.select('+34600000001', NO_RATES, never)).toBe('accept-then-timeout');
    expect(table.select('+34600000001', NO_RATES, never)).toBeUndefined();
  });

  it('recognises the mode names', () => {
    expect(isTwilioErrorMode('whatsapp-window-closed')).toBe(true);
    expect(isTwilioErrorMode('accept-then-timeout')).toBe(true);
    expect(isTwilioErrorMode('429')).toBe(false);
  });
});

describe('createHandling', () => {
  it('stores the message but never answers in accept-then-timeout mode', () => {
    expect(createHandling('accept-then-timeout')).toEqual({ create: true, reply: 'hang' });
  });

  it('neither stores nor answers in timeout mode', () => {
    expect(createHandling('timeout')).toEqual({ create: false, reply: 'hang' });
  });

  it('answers refusals with their status and code, storing nothing', () => {
    expect(createHandling('rate-limited')).toMatchObject({
      create: false,
      reply: { status: 429, code: 20429 },
    });
    expect(createHandling('server-error')).toMatchObject({
      create: false,
      reply: { status: 500, code: 20500 },
    });
    expect(createHandling('opted-out')).toMatchObject({
      create: false,
      reply: { status: 400, code: 21610 },
    });
  });

  it('accepts normally without a mode and in the WhatsApp-window mode', () => {
    expect(createHandling(undefined)).toEqual({ create: true, reply: 'resource' });
    expect(createHandling('whatsapp-window-closed')).toEqual({ create: true, reply: 'resource' });
  });
});
