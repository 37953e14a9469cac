import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { strategyV1, topicCatalogue, type MessageOf } from '@clement/contracts';
import type { KafkaPort } from '@clement/messaging';
import {
  type EventLineOutput,
  type TailedEnvelope,
  tailEventLines,
  type TailOptions,
} from '../topic-tail';

const TYPE_PREFIX = 'clement.strategy.v1.';

type StrategyEvent = MessageOf<typeof topicCatalogue.strategyEvents>;

/**
 * One strategy event as a line: time, tenant, short type, then the ids and the "why" — for a
 * decision its version, arm, segment, path, step, rule, action and detail. No personal data.
 */
export function formatStrategyEvent(event: TailedEnvelope, message: StrategyEvent): string {
  const type = event.type.startsWith(TYPE_PREFIX)
    ? event.type.slice(TYPE_PREFIX.length)
    : event.type;
  const head = (...details: string[]) => [event.time, event.tenant, type, ...details].join('  ');
  switch (message.$typeName) {
    case 'clement.strategy.v1.DecisionMade':
      return head(
        `case=${message.caseId}`,
        `${message.strategyId}@v${message.version}`,
        `arm=${enumName(strategyV1.StrategyArm, message.arm)}`,
        `segment=${message.segmentId || '-'}`,
        `path=${message.pathId || '-'}`,
        `step=${message.stepId || '-'}`,
        `rule=${message.rule}`,
        `action=${enumName(strategyV1.DecisionAction, message.action)}`,
        ...message.dispatchIds.map((id) => `dispatch=${id}`),
        ...(message.taskId ? [`task=${message.taskId}`] : []),
        `"${message.detail}"`,
      );
    case 'clement.strategy.v1.CaseAssigned':
      return head(
        `case=${message.caseId}`,
        `${message.strategyId}@v${message.version}`,
        `arm=${enumName(strategyV1.StrategyArm, message.arm)}`,
      );
    case 'clement.strategy.v1.StrategyVersionActivated':
      return head(
        `${message.strategyId}@v${message.version}`,
        `previous=${message.previousStrategyId || message.strategyId}@v${message.previousVersion}`,
        ...(message.challengerStrategyId
          ? [
              `challenger=${message.challengerStrategyId}@v${message.challengerVersion}`,
              `share=${message.challengerShareBps / 100}%`,
            ]
          : []),
      );
    case 'clement.strategy.v1.AgentTaskCreated':
      return head(
        `task=${message.taskId}`,
        `case=${message.caseId}`,
        `queue=${message.queue}`,
        `reason=${message.reason}`,
        `priority=${message.priority}`,
        `due=${iso(message.dueAt)}`,
      );
    case 'clement.strategy.v1.AgentTaskCompleted':
      return head(`task=${message.taskId}`, `case=${message.caseId}`, `outcome=${message.outcome}`);
    case 'clement.strategy.v1.AgentTaskCancelled':
      return head(`task=${message.taskId}`, `case=${message.caseId}`, `reason=${message.reason}`);
    default:
      // Claimed, released: the task and case say it all.
      return head(`task=${message.taskId}`, `case=${message.caseId}`);
  }
}

function enumName(names: Record<number, string>, value: number): string {
  return (names[value] ?? String(value)).toLowerCase();
}

function iso(timestamp: Timestamp | undefined): string {
  return timestamp ? timestampDate(timestamp).toISOString() : '-';
}

/** Follows strategy.internal.events.v1 (see tailTopic); resolves with the lines printed. */
export function tailStrategyEvents(
  kafka: KafkaPort,
  options: TailOptions,
  output: EventLineOutput,
): Promise<number> {
  return tailEventLines(kafka, topicCatalogue.strategyEvents, options, formatStrategyEvent, output);
}
