import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { strategyV1, type MessageOf, type topicCatalogue } from '@clement/contracts';
import { formatStrategyEvent } from './strategy-tail';

const at = { time: '2026-12-01T07:30:00.000Z', tenant: 'demo-bank' };
const line = <S extends DescMessage>(schema: S, init: MessageInitShape<S>) =>
  formatStrategyEvent(
    { ...at, type: schema.typeName },
    create(schema, init) as unknown as MessageOf<typeof topicCatalogue.strategyEvents>,
  );

describe('formatStrategyEvent', () => {
  it('answers "why did we send this?" for a decision', () => {
    expect(
      line(strategyV1.DecisionMadeSchema, {
        decisionId: 'd-1',
        caseId: 'case-1',
        strategyId: 'early-digital-first',
        version: 3,
        arm: strategyV1.StrategyArm.CHALLENGER,
        segmentId: 'early',
        pathId: 'early-digital',
        stepId: 'first-reminder',
        rule: 'fallback:sms',
        action: strategyV1.DecisionAction.SEND,
        dispatchIds: ['0b6f5c1e-9c1a-5d0e-8f00-1a2b3c4d5e6f'],
        detail: 'whatsapp blocked; sms next',
      }),
    ).toBe(
      '2026-12-01T07:30:00.000Z  demo-bank  DecisionMade  case=case-1  early-digital-first@v3  ' +
        'arm=challenger  segment=early  path=early-digital  step=first-reminder  rule=fallback:sms  ' +
        'action=send  dispatch=0b6f5c1e-9c1a-5d0e-8f00-1a2b3c4d5e6f  "whatsapp blocked; sms next"',
    );
  });

  it('names the task an escalation created and when it is due', () => {
    expect(
      line(strategyV1.AgentTaskCreatedSchema, {
        taskId: 't-1',
        caseId: 'case-1',
        queue: 'collections',
        reason: 'no_response',
        priority: 2,
        dueAt: timestampFromDate(new Date('2026-12-02T07:30:00Z')),
      }),
    ).toBe(
      '2026-12-01T07:30:00.000Z  demo-bank  AgentTaskCreated  task=t-1  case=case-1  ' +
        'queue=collections  reason=no_response  priority=2  due=2026-12-02T07:30:00.000Z',
    );
  });

  it('shows an activation with the strategy it replaces and its experiment', () => {
    expect(
      line(strategyV1.StrategyVersionActivatedSchema, {
        strategyId: 'late-stage',
        version: 2,
        previousStrategyId: 'early-digital-first',
        previousVersion: 4,
        challengerStrategyId: 'late-stage-b',
        challengerVersion: 1,
        challengerShareBps: 2_000,
      }),
    ).toBe(
      '2026-12-01T07:30:00.000Z  demo-bank  StrategyVersionActivated  late-stage@v2  ' +
        'previous=early-digital-first@v4  challenger=late-stage-b@v1  share=20%',
    );
    expect(
      line(strategyV1.StrategyVersionActivatedSchema, { strategyId: 'late-stage', version: 1 }),
    ).toMatch(/ late-stage@v1 {2}previous=late-stage@v0$/);
  });

  it('shows who an assignment went to', () => {
    expect(
      line(strategyV1.CaseAssignedSchema, {
        caseId: 'case-9',
        strategyId: 'early-digital-first',
        version: 1,
        arm: strategyV1.StrategyArm.CHAMPION,
      }),
    ).toMatch(/ CaseAssigned {2}case=case-9 {2}early-digital-first@v1 {2}arm=champion$/);
  });
});
