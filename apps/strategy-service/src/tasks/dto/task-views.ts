import type { AgentTaskRecord } from '../agent-tasks.repository';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function taskView(task: AgentTaskRecord) {
  return {
    taskId: task.taskId,
    caseId: task.caseId,
    debtorId: task.debtorId,
    queue: task.queue,
    reason: task.reason,
    priority: task.priority,
    status: task.status,
    decisionId: task.decisionId,
    dueAt: task.dueAt.toISOString(),
    createdAt: task.createdAt.toISOString(),
    claimedBy: task.claimedBy,
    claimedAt: iso(task.claimedAt),
    completedBy: task.completedBy,
    completedAt: iso(task.completedAt),
    outcome: task.outcome,
    note: task.note,
    cancelledAt: iso(task.cancelledAt),
    cancelReason: task.cancelReason,
  };
}
