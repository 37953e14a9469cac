import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  caseV1,
  ConsentStatus,
  ContactChannel,
  dispatchV1,
  HoldKind,
  paymentV1,
  strategyV1,
  VulnerabilityCategory,
} from '@clement/contracts';
import * as map from './event-mapping';

const context: map.MappingContext = { tenantId: 'acme', eventId: 'evt-1', now: 1_000 };
const gbp = (amountMinor: bigint) => ({ amountMinor, currency: 'GBP' });

describe('case events', () => {
  it('places a case with its total balance, largest days past due and product types', () => {
    const mapped = map.casePlaced(
      create(caseV1.CasePlacedSchema, {
        caseId: 'case-1',
        debtorId: 'debtor-1',
        totalBalance: gbp(42_000n),
        placedAt: timestampFromMs(500),
        accounts: [
          { productType: 'credit_card', daysPastDue: 40 },
          { productType: 'loan', daysPastDue: 95 },
          { productType: 'loan', daysPastDue: 10 },
        ],
      }),
      context,
    );
    expect(mapped).toEqual({
      debtorId: 'debtor-1',
      caseId: 'case-1',
      event: {
        type: 'case_placed',
        eventId: 'evt-1',
        at: 500,
        tenantId: 'acme',
        caseId: 'case-1',
        debtorId: 'debtor-1',
        balanceMinor: 42_000,
        currency: 'GBP',
        daysPastDue: 95,
        productTypes: ['credit_card', 'loan'],
      },
    });
  });

  it('rejects a placement without a case id or a balance', () => {
    expect(() =>
      map.casePlaced(
        create(caseV1.CasePlacedSchema, { debtorId: 'd', totalBalance: gbp(1n) }),
        context,
      ),
    ).toThrow(map.InvalidJourneyEventError);
    expect(() =>
      map.casePlaced(create(caseV1.CasePlacedSchema, { caseId: 'c', debtorId: 'd' }), context),
    ).toThrow(/total_balance/);
  });

  it('turns mobiles into SMS and WhatsApp, emails into email, minus withdrawn consents', () => {
    const mapped = map.contactPointsChanged(
      create(caseV1.ContactPointsChangedSchema, {
        debtorId: 'debtor-1',
        preferredLanguage: 'es-ES',
        contactPoints: [
          {
            contactPointId: 'cp-1',
            kind: caseV1.ContactPointKind.MOBILE,
            timeZone: 'Europe/Madrid',
            consents: [{ channel: ContactChannel.WHATSAPP, status: ConsentStatus.WITHDRAWN }],
          },
          {
            contactPointId: 'cp-2',
            kind: caseV1.ContactPointKind.EMAIL,
            timeZone: 'Europe/Madrid',
          },
          {
            contactPointId: 'cp-3',
            kind: caseV1.ContactPointKind.POSTAL,
            timeZone: 'Europe/Paris',
          },
        ],
      }),
      context,
    );
    expect(mapped?.caseId).toBeUndefined();
    expect(mapped?.event).toEqual({
      type: 'contact_points_changed',
      eventId: 'evt-1',
      at: 1_000,
      channels: ['sms', 'email'],
      timeZones: ['Europe/Madrid'],
      language: 'es-ES',
    });
  });

  it('maps hold kinds onto the contact policy names, unknown kinds failing closed', () => {
    const hold = (kind: HoldKind) =>
      map.holdPlaced(
        create(caseV1.HoldPlacedSchema, {
          caseId: 'case-1',
          debtorId: 'd',
          holdId: 'h-1',
          kind,
          endsAt: timestampFromMs(9_000),
        }),
        context,
      )?.event;
    expect(hold(HoldKind.BREATHING_SPACE)).toMatchObject({
      type: 'hold_placed',
      holdId: 'h-1',
      kind: 'breathing_space',
      endsAt: 9_000,
    });
    expect(hold(HoldKind.CEASE_AND_DESIST)).toMatchObject({ kind: 'cease_and_desist' });
    expect(hold(HoldKind.UNSPECIFIED)).toMatchObject({ kind: 'other' });
  });

  it('maps vulnerability categories and rejects unknown ones', () => {
    expect(
      map.vulnerabilityFlagged(
        create(caseV1.VulnerabilityFlaggedSchema, {
          debtorId: 'd',
          categories: [VulnerabilityCategory.HEALTH, VulnerabilityCategory.HEALTH],
        }),
        context,
      )?.event,
    ).toMatchObject({ type: 'vulnerability_flagged', categories: ['health'] });
    expect(() =>
      map.vulnerabilityFlagged(
        create(caseV1.VulnerabilityFlaggedSchema, {
          debtorId: 'd',
          categories: [VulnerabilityCategory.UNSPECIFIED],
        }),
        context,
      ),
    ).toThrow(/unknown category/);
  });

  it('treats a creditor payment as a payment and ignores a reversal', () => {
    const payment = (reversed: boolean) =>
      map.creditorPaymentReported(
        create(caseV1.CreditorPaymentReportedSchema, {
          caseId: 'case-1',
          debtorId: 'd',
          creditorPaymentReference: 'PAY-9',
          amount: gbp(5_000n),
          paidAt: timestampFromMs(700),
          reversed,
        }),
        context,
      );
    expect(payment(false)?.event).toEqual({
      type: 'payment',
      eventId: 'evt-1',
      at: 700,
      paymentId: 'PAY-9',
      amountMinor: 5_000,
      source: 'creditor',
    });
    expect(payment(true)).toBeUndefined();
  });

  it('maps a balance change reason', () => {
    expect(
      map.balanceChanged(
        create(caseV1.BalanceChangedSchema, {
          caseId: 'case-1',
          debtorId: 'd',
          totalBalance: gbp(0n),
          reason: caseV1.BalanceChangeReason.RECALLED,
        }),
        context,
      )?.event,
    ).toMatchObject({ type: 'balance_changed', balanceMinor: 0, reason: 'recalled' });
  });
});

describe('dispatch events', () => {
  it('reports message outcomes by dispatch id, with policy reasons and permanence', () => {
    expect(
      map.messageBlocked(
        create(dispatchV1.MessageBlockedSchema, {
          dispatchId: 'dsp-1',
          debtorId: 'd',
          reasons: [{ code: 'quiet_hours' }, { code: 'cap' }],
        }),
        context,
      ),
    ).toEqual({
      debtorId: 'd',
      event: {
        type: 'message_outcome',
        eventId: 'evt-1',
        at: 1_000,
        dispatchId: 'dsp-1',
        outcome: 'blocked',
        reasons: ['quiet_hours', 'cap'],
      },
    });
    expect(
      map.messageFailed(
        create(dispatchV1.MessageFailedSchema, {
          dispatchId: 'dsp-1',
          debtorId: 'd',
          errorCode: '21610',
          permanent: true,
        }),
        context,
      )?.event,
    ).toMatchObject({ outcome: 'failed', reasons: ['21610'], permanent: true });
    expect(
      map.linkClicked(
        create(dispatchV1.LinkClickedSchema, { dispatchId: 'x', debtorId: 'd' }),
        context,
      )?.event,
    ).toMatchObject({ outcome: 'clicked' });
    expect(() =>
      map.messageSent(create(dispatchV1.MessageSentSchema, { debtorId: 'd' }), context),
    ).toThrow(/dispatch_id/);
  });

  it('maps a reply to its case, channel and intent', () => {
    expect(
      map.replyReceived(
        create(dispatchV1.ReplyReceivedSchema, {
          debtorId: 'd',
          caseId: 'case-1',
          channel: ContactChannel.SMS,
          intent: dispatchV1.ReplyIntent.SPEAK_TO_PERSON,
          inReplyToDispatchId: 'dsp-1',
          receivedAt: timestampFromMs(800),
        }),
        context,
      ),
    ).toEqual({
      debtorId: 'd',
      caseId: 'case-1',
      event: {
        type: 'reply_received',
        eventId: 'evt-1',
        at: 800,
        channel: 'sms',
        intent: 'agent',
        dispatchId: 'dsp-1',
      },
    });
  });

  it('maps opt-outs on engine channels and ignores other channels', () => {
    expect(
      map.contactOptedOut(
        create(dispatchV1.ContactOptedOutSchema, {
          debtorId: 'd',
          channel: ContactChannel.WHATSAPP,
        }),
        context,
      )?.event,
    ).toMatchObject({ type: 'opted_out', channel: 'whatsapp' });
    expect(
      map.contactOptedIn(
        create(dispatchV1.ContactOptedInSchema, { debtorId: 'd', channel: ContactChannel.VOICE }),
        context,
      ),
    ).toBeUndefined();
  });
});

describe('payment events', () => {
  it('maps a promise with its date and grace, rejecting a malformed date', () => {
    const promise = (dueDate: string) =>
      map.promiseMade(
        create(paymentV1.PromiseMadeSchema, {
          promiseId: 'p-1',
          caseId: 'case-1',
          debtorId: 'd',
          amount: gbp(10_000n),
          dueDate,
          graceDays: 3,
        }),
        context,
      );
    expect(promise('2026-12-10')?.event).toMatchObject({
      type: 'promise_made',
      promiseId: 'p-1',
      amountMinor: 10_000,
      dueDate: '2026-12-10',
      graceDays: 3,
    });
    expect(() => promise('10/12/2026')).toThrow(/due_date/);
  });

  it('maps a plan with its instalments and a payment from Clement', () => {
    expect(
      map.planCreated(
        create(paymentV1.PlanCreatedSchema, {
          planId: 'plan-1',
          caseId: 'case-1',
          debtorId: 'd',
          instalments: [{ dueDate: '2027-01-01', amount: gbp(2_500n) }],
        }),
        context,
      )?.event,
    ).toMatchObject({
      type: 'plan_created',
      planId: 'plan-1',
      instalments: [{ dueDate: '2027-01-01', amountMinor: 2_500 }],
    });
    expect(
      map.paymentSucceeded(
        create(paymentV1.PaymentSucceededSchema, {
          paymentId: 'pay-1',
          caseId: 'case-1',
          debtorId: 'd',
          amount: gbp(100n),
        }),
        context,
      )?.event,
    ).toMatchObject({ type: 'payment', paymentId: 'pay-1', amountMinor: 100, source: 'clement' });
    expect(
      map.promiseBroken(
        create(paymentV1.PromiseBrokenSchema, {
          promiseId: 'p-1',
          caseId: 'case-1',
          debtorId: 'd',
        }),
        context,
      )?.event,
    ).toMatchObject({ type: 'promise_broken', promiseId: 'p-1' });
  });
});

describe('strategy events', () => {
  it('turns a completed agent task into the engine event for its case', () => {
    expect(
      map.agentTaskCompleted(
        create(strategyV1.AgentTaskCompletedSchema, {
          taskId: 'task-1',
          caseId: 'case-1',
          debtorId: 'd',
          outcome: 'promise_made',
          completedAt: timestampFromMs(5_000),
        }),
        context,
      ),
    ).toEqual({
      debtorId: 'd',
      caseId: 'case-1',
      event: {
        type: 'task_completed',
        eventId: 'evt-1',
        at: 5_000,
        taskId: 'task-1',
        outcome: 'promise_made',
      },
    });
  });
});
