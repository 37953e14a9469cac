import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  ActorKind,
  ActorSchema,
  ContactChannel,
  dispatchV1,
  strategyV1,
  topicCatalogue,
} from '@clement/contracts';
import { type PendingEvent, pendingEvent } from '@clement/messaging';
import type {
  Arm,
  DecisionAction,
  EngineChannel,
  EngineOutput,
  Purpose,
  TaskRequest,
} from '@clement/strategy-engine';

/** Pure maps from the engine's outputs onto the dispatch commands and strategy events. */

export const SYSTEM_ACTOR_ID = 'strategy-service';

const CHANNELS: Record<EngineChannel, ContactChannel> = {
  sms: ContactChannel.SMS,
  whatsapp: ContactChannel.WHATSAPP,
  email: ContactChannel.EMAIL,
};

const PURPOSES: Record<Purpose, dispatchV1.MessagePurpose> = {
  reminder: dispatchV1.MessagePurpose.REMINDER,
  payment_request: dispatchV1.MessagePurpose.PAYMENT_REQUEST,
  plan_reminder: dispatchV1.MessagePurpose.PLAN_REMINDER,
  courtesy: dispatchV1.MessagePurpose.COURTESY,
  confirmation: dispatchV1.MessagePurpose.CONFIRMATION,
  support: dispatchV1.MessagePurpose.SUPPORT,
  legal_notice: dispatchV1.MessagePurpose.LEGAL_NOTICE,
};

const ACTIONS: Record<DecisionAction, strategyV1.DecisionAction> = {
  enter_path: strategyV1.DecisionAction.ENTER_PATH,
  send: strategyV1.DecisionAction.SEND,
  cancel_sends: strategyV1.DecisionAction.CANCEL_SENDS,
  wait: strategyV1.DecisionAction.WAIT,
  branch: strategyV1.DecisionAction.BRANCH,
  escalate: strategyV1.DecisionAction.ESCALATE,
  pause: strategyV1.DecisionAction.PAUSE,
  resume: strategyV1.DecisionAction.RESUME,
  end: strategyV1.DecisionAction.END,
  skip: strategyV1.DecisionAction.SKIP,
};

export function armOf(arm: Arm): strategyV1.StrategyArm {
  return arm === 'challenger' ? strategyV1.StrategyArm.CHALLENGER : strategyV1.StrategyArm.CHAMPION;
}

/** As dispatch's validity check and case events spell a status, e.g. CASE_STATUS_PLACED. */
export function caseStatusName(status: string): string {
  return `CASE_STATUS_${status.toUpperCase()}`;
}

function systemActor() {
  return create(ActorSchema, { kind: ActorKind.SYSTEM, id: SYSTEM_ACTOR_ID });
}

/** Causation and correlation of everything one engine run emits. */
export interface OutputCause {
  /** The engine's clock: the time of commands, which carry no time of their own. */
  now: number;
  causationId?: string;
  correlationId?: string;
}

export interface MappedOutputs {
  events: PendingEvent[];
  tasks: TaskRequest[];
}

/** Splits an engine run's outputs into outbox events (in order) and agent tasks. */
export function mapOutputs(
  tenantId: string,
  outputs: readonly EngineOutput[],
  cause: OutputCause,
): MappedOutputs {
  const events: PendingEvent[] = [];
  const tasks: TaskRequest[] = [];
  const metadata = (debtorId: string, caseId: string | undefined, at: number) => ({
    tenantId,
    partitionKey: `${tenantId}:${debtorId}`,
    ...(caseId ? { subject: `case/${caseId}` } : {}),
    time: new Date(at),
    ...(cause.causationId ? { causationId: cause.causationId } : {}),
    ...(cause.correlationId ? { correlationId: cause.correlationId } : {}),
  });
  for (const output of outputs) {
    switch (output.kind) {
      case 'assigned': {
        const a = output.assignment;
        events.push(
          pendingEvent(
            topicCatalogue.strategyEvents,
            strategyV1.CaseAssignedSchema,
            create(strategyV1.CaseAssignedSchema, {
              caseId: a.caseId,
              debtorId: a.debtorId,
              strategyId: a.strategy.strategyId,
              version: a.strategy.version,
              arm: armOf(a.arm),
              championStrategyId: a.champion.strategyId,
              championVersion: a.champion.version,
              assignedAt: timestampFromMs(a.assignedAt),
            }),
            metadata(a.debtorId, a.caseId, a.assignedAt),
          ),
        );
        break;
      }
      case 'decision': {
        const d = output.decision;
        events.push(
          pendingEvent(
            topicCatalogue.strategyEvents,
            strategyV1.DecisionMadeSchema,
            create(strategyV1.DecisionMadeSchema, {
              decisionId: d.decisionId,
              caseId: d.caseId,
              debtorId: d.debtorId,
              strategyId: d.strategyId,
              version: d.version,
              arm: armOf(d.arm),
              segmentId: d.segmentId,
              pathId: d.pathId,
              stepId: d.stepId,
              rule: d.rule,
              action: ACTIONS[d.action],
              dispatchIds: d.dispatchIds,
              taskId: d.taskId ?? '',
              detail: d.detail,
              triggerEventId: d.triggerEventId ?? '',
              ...(d.score
                ? {
                    score: {
                      score: Math.round(d.score.score),
                      base: d.score.base,
                      contributions: d.score.contributions,
                    },
                  }
                : {}),
              decidedAt: timestampFromMs(d.decidedAt),
            }),
            { ...metadata(d.debtorId, d.caseId, d.decidedAt), id: d.decisionId },
          ),
        );
        break;
      }
      case 'send': {
        const c = output.command;
        events.push(
          pendingEvent(
            topicCatalogue.dispatchCommands,
            dispatchV1.SendMessageSchema,
            create(dispatchV1.SendMessageSchema, {
              dispatchId: c.dispatchId,
              caseId: c.caseId,
              debtorId: c.debtorId,
              channel: CHANNELS[c.channel],
              purpose: PURPOSES[c.purpose],
              tone:
                c.tone === 'supportive'
                  ? dispatchV1.MessageTone.SUPPORTIVE
                  : dispatchV1.MessageTone.STANDARD,
              templateKey: c.templateKey,
              ...(c.notBefore !== undefined ? { notBefore: timestampFromMs(c.notBefore) } : {}),
              expiresAt: timestampFromMs(c.expiresAt),
              validity: {
                caseStatuses: c.validity.caseStatuses.map(caseStatusName),
                noPaymentSince: timestampFromMs(c.validity.noPaymentSince),
              },
              requestedBy: systemActor(),
              decisionId: c.decisionId,
            }),
            metadata(c.debtorId, c.caseId, cause.now),
          ),
        );
        break;
      }
      case 'cancel':
        events.push(
          pendingEvent(
            topicCatalogue.dispatchCommands,
            dispatchV1.CancelMessageSchema,
            create(dispatchV1.CancelMessageSchema, {
              dispatchId: output.dispatchId,
              reason: output.reason,
              requestedBy: systemActor(),
            }),
            metadata(output.debtorId, undefined, cause.now),
          ),
        );
        break;
      case 'task':
        tasks.push(output.task);
        break;
    }
  }
  return { events, tasks };
}
