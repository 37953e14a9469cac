import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, ActorSchema, strategyV1, topicCatalogue } from '@clement/contracts';
import { type PendingEvent, pendingEvent } from '@clement/messaging';
import type { AgentTaskRecord } from './agent-tasks.repository';

/** Task events go with the case's other events: keyed `<tenant>:<debtor id>`. */
function metadataOf(task: AgentTaskRecord, time: Date) {
  return {
    tenantId: task.tenantId,
    partitionKey: `${task.tenantId}:${task.debtorId}`,
    subject: `case/${task.caseId}`,
    time,
  };
}

const staff = (id: string) => create(ActorSchema, { kind: ActorKind.STAFF, id });

export function taskCreatedEvent(task: AgentTaskRecord): PendingEvent {
  return pendingEvent(
    topicCatalogue.strategyEvents,
    strategyV1.AgentTaskCreatedSchema,
    create(strategyV1.AgentTaskCreatedSchema, {
      taskId: task.taskId,
      caseId: task.caseId,
      debtorId: task.debtorId,
      queue: task.queue,
      reason: task.reason,
      priority: task.priority,
      decisionId: task.decisionId,
      dueAt: timestampFromDate(task.dueAt),
      createdAt: timestampFromDate(task.createdAt),
    }),
    metadataOf(task, task.createdAt),
  );
}

export function taskClaimedEvent(task: AgentTaskRecord & { claimedBy: string; claimedAt: Date }) {
  return pendingEvent(
    topicCatalogue.strategyEvents,
    strategyV1.AgentTaskClaimedSchema,
    create(strategyV1.AgentTaskClaimedSchema, {
      taskId: task.taskId,
      caseId: task.caseId,
      debtorId: task.debtorId,
      claimedBy: staff(task.claimedBy),
      claimedAt: timestampFromDate(task.claimedAt),
    }),
    metadataOf(task, task.claimedAt),
  );
}

export function taskCompletedEvent(
  task: AgentTaskRecord & { completedBy: string; completedAt: Date; outcome: string },
) {
  return pendingEvent(
    topicCatalogue.strategyEvents,
    strategyV1.AgentTaskCompletedSchema,
    create(strategyV1.AgentTaskCompletedSchema, {
      taskId: task.taskId,
      caseId: task.caseId,
      debtorId: task.debtorId,
      outcome: task.outcome,
      completedBy: staff(task.completedBy),
      completedAt: timestampFromDate(task.completedAt),
    }),
    metadataOf(task, task.completedAt),
  );
}

export function taskReleasedEvent(task: AgentTaskRecord, releasedBy: string, releasedAt: Date) {
  return pendingEvent(
    topicCatalogue.strategyEvents,
    strategyV1.AgentTaskReleasedSchema,
    create(strategyV1.AgentTaskReleasedSchema, {
      taskId: task.taskId,
      caseId: task.caseId,
      debtorId: task.debtorId,
      releasedBy: staff(releasedBy),
      releasedAt: timestampFromDate(releasedAt),
    }),
    metadataOf(task, releasedAt),
  );
}

export function taskCancelledEvent(task: AgentTaskRecord, reason: string, cancelledAt: Date) {
  return pendingEvent(
    topicCatalogue.strategyEvents,
    strategyV1.AgentTaskCancelledSchema,
    create(strategyV1.AgentTaskCancelledSchema, {
      taskId: task.taskId,
      caseId: task.caseId,
      debtorId: task.debtorId,
      reason,
      cancelledAt: timestampFromDate(cancelledAt),
    }),
    metadataOf(task, cancelledAt),
  );
}
