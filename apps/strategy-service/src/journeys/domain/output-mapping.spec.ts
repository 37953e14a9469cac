import { timestampMs } from '@bufbuild/protobuf/wkt';
import { ContactChannel, dispatchV1, strategyV1, topicCatalogue } from '@clement/contracts';
import type { EngineOutput } from '@clement/strategy-engine';
import { mapOutputs, SYSTEM_ACTOR_ID } from './output-mapping';

const outputs: EngineOutput[] = [
  {
    kind: 'assigned',
    assignment: {
      tenantId: 'acme',
      caseId: 'case-1',
      debtorId: 'debtor-1',
      strategy: { strategyId: 'early', version: 3 },
      arm: 'challenger',
      champion: { strategyId: 'early', version: 2 },
      assignedAt: 1_000,
    },
  },
  {
    kind: 'decision',
    decision: {
      decisionId: 'dec-1',
      tenantId: 'acme',
      caseId: 'case-1',
      debtorId: 'debtor-1',
      strategyId: 'early',
      version: 3,
      arm: 'challenger',
      segmentId: 'early',
      pathId: 'digital',
      stepId: 'first-sms',
      rule: 'step:send',
      action: 'send',
      dispatchIds: ['dsp-1'],
      detail: 'send sms',
      triggerEventId: 'evt-1',
      score: { score: 61.6, base: 50, contributions: [] },
      decidedAt: 2_000,
    },
  },
  {
    kind: 'send',
    command: {
      dispatchId: 'dsp-1',
      tenantId: 'acme',
      caseId: 'case-1',
      debtorId: 'debtor-1',
      channel: 'whatsapp',
      purpose: 'courtesy',
      tone: 'supportive',
      templateKey: 'early.first',
      expiresAt: 90_000,
      validity: { caseStatuses: ['placed', 'active'], noPaymentSince: 1_500 },
      decisionId: 'dec-1',
    },
  },
  {
    kind: 'cancel',
    tenantId: 'acme',
    debtorId: 'debtor-1',
    dispatchId: 'dsp-0',
    reason: 'payment',
    decisionId: 'dec-1',
  },
  {
    kind: 'task',
    task: {
      taskId: 't-1',
      tenantId: 'acme',
      caseId: 'case-1',
      debtorId: 'debtor-1',
      queue: 'support',
      reason: 'vulnerable',
      priority: 1,
      dueAt: 5_000,
      decisionId: 'dec-1',
    },
  },
];

describe('mapOutputs', () => {
  const mapped = mapOutputs('acme', outputs, {
    now: 2_000,
    causationId: 'evt-1',
    correlationId: 'cor-1',
  });

  it('keeps the order and keys everything <tenant>:<debtor>, caused by the event', () => {
    expect(mapped.events.map((e) => [e.topic.name, e.schema.typeName])).toEqual([
      [topicCatalogue.strategyEvents.name, strategyV1.CaseAssignedSchema.typeName],
      [topicCatalogue.strategyEvents.name, strategyV1.DecisionMadeSchema.typeName],
      [topicCatalogue.dispatchCommands.name, dispatchV1.SendMessageSchema.typeName],
      [topicCatalogue.dispatchCommands.name, dispatchV1.CancelMessageSchema.typeName],
    ]);
    for (const event of mapped.events) {
      expect(event.metadata).toMatchObject({
        tenantId: 'acme',
        partitionKey: 'acme:debtor-1',
        causationId: 'evt-1',
        correlationId: 'cor-1',
      });
    }
    expect(mapped.tasks.map((t) => t.taskId)).toEqual(['t-1']);
  });

  it('maps the assignment and the decision with its arm, rule and score', () => {
    const assigned = mapped.events[0].message as strategyV1.CaseAssigned;
    expect(assigned).toMatchObject({
      strategyId: 'early',
      version: 3,
      arm: strategyV1.StrategyArm.CHALLENGER,
      championVersion: 2,
    });
    const decision = mapped.events[1].message as strategyV1.DecisionMade;
    expect(decision).toMatchObject({
      decisionId: 'dec-1',
      segmentId: 'early',
      stepId: 'first-sms',
      rule: 'step:send',
      action: strategyV1.DecisionAction.SEND,
      dispatchIds: ['dsp-1'],
      triggerEventId: 'evt-1',
    });
    expect(decision.score?.score).toBe(62);
    // The decision's event id is the decision id: a replayed decision is recognisably the same.
    expect(mapped.events[1].metadata.id).toBe('dec-1');
  });

  it('maps a send command onto dispatch vocabulary with its validity conditions', () => {
    const send = mapped.events[2].message as dispatchV1.SendMessage;
    expect(send).toMatchObject({
      dispatchId: 'dsp-1',
      caseId: 'case-1',
      channel: ContactChannel.WHATSAPP,
      purpose: dispatchV1.MessagePurpose.COURTESY,
      tone: dispatchV1.MessageTone.SUPPORTIVE,
      templateKey: 'early.first',
      decisionId: 'dec-1',
      requestedBy: { id: SYSTEM_ACTOR_ID },
    });
    expect(send.notBefore).toBeUndefined();
    expect(timestampMs(send.expiresAt!)).toBe(90_000);
    expect(send.validity?.caseStatuses).toEqual(['CASE_STATUS_PLACED', 'CASE_STATUS_ACTIVE']);
    expect(timestampMs(send.validity!.noPaymentSince!)).toBe(1_500);
    const cancel = mapped.events[3].message as dispatchV1.CancelMessage;
    expect(cancel).toMatchObject({ dispatchId: 'dsp-0', reason: 'payment' });
  });
});
