import { type OutcomeRates, planEmailEvents, planMessageStatuses } from './outcomes';
import { seededRandom } from './seeded-random';

const ZERO: OutcomeRates = {
  failed: 0,
  undelivered: 0,
  whatsappRead: 0,
  emailDropped: 0,
  emailBounce: 0,
  emailOpen: 0,
  emailClick: 0,
  emailUnsubscribe: 0,
};
const SMS = { whatsapp: false, outsideWhatsAppWindow: false };
const statuses = (steps: { status: string; errorCode?: number }[]): string[] =>
  steps.map((step) => (step.errorCode ? `${step.status}:${step.errorCode}` : step.status));

describe('planMessageStatuses', () => {
  const random = seededRandom('outcomes');

  it('delivers by default', () => {
    expect(statuses(planMessageStatuses(SMS, ZERO, random))).toEqual([
      'queued',
      'sent',
      'delivered',
    ]);
  });

  it('fails, or is undelivered, with the error code', () => {
    expect(statuses(planMessageStatuses(SMS, { ...ZERO, failed: 1 }, random))).toEqual([
      'queued',
      'failed:30008',
    ]);
    expect(statuses(planMessageStatuses(SMS, { ...ZERO, undelivered: 1 }, random))).toEqual([
      'queued',
      'sent',
      'undelivered:30003',
    ]);
  });

  it('reads WhatsApp messages only', () => {
    const rates = { ...ZERO, whatsappRead: 1 };
    expect(statuses(planMessageStatuses({ ...SMS, whatsapp: true }, rates, random))).toEqual([
      'queued',
      'sent',
      'delivered',
      'read',
    ]);
    expect(statuses(planMessageStatuses(SMS, rates, random))).toEqual([
      'queued',
      'sent',
      'delivered',
    ]);
  });

  it('fails free-form WhatsApp outside the 24-hour window with 63016', () => {
    expect(
      statuses(planMessageStatuses({ whatsapp: true, outsideWhatsAppWindow: true }, ZERO, random)),
    ).toEqual(['queued', 'failed:63016']);
  });

  it('gives the same outcomes for the same seed', () => {
    const rates = { ...ZERO, failed: 0.3, undelivered: 0.3 };
    const run = (): string[][] => {
      const seeded = seededRandom('repeat');
      return Array.from({ length: 30 }, () => statuses(planMessageStatuses(SMS, rates, seeded)));
    };
    expect(run()).toEqual(run());
    expect(new Set(run().map((steps) => steps.at(-1))).size).toBe(3);
  });
});

describe('planEmailEvents', () => {
  const random = seededRandom('email');

  it('processes and delivers by default', () => {
    expect(planEmailEvents(ZERO, random)).toEqual(['processed', 'delivered']);
  });

  it('drops, or bounces', () => {
    expect(planEmailEvents({ ...ZERO, emailDropped: 1, emailBounce: 1 }, random)).toEqual([
      'dropped',
    ]);
    expect(planEmailEvents({ ...ZERO, emailBounce: 1 }, random)).toEqual(['processed', 'bounce']);
  });

  it('clicks only after an open, and unsubscribes last', () => {
    expect(planEmailEvents({ ...ZERO, emailClick: 1 }, random)).toEqual(['processed', 'delivered']);
    expect(
      planEmailEvents({ ...ZERO, emailOpen: 1, emailClick: 1, emailUnsubscribe: 1 }, random),
    ).toEqual(['processed', 'delivered', 'open', 'click', 'unsubscribe']);
  });
});
