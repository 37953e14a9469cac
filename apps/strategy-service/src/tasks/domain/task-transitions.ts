import { TaskDomainError, TaskErrorCode } from './task-errors';
import { OUTCOMES_NEEDING_A_NOTE, type TaskOutcome } from './task-outcomes';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

export type TaskAction = 'claim' | 'complete' | 'release';

/** What a refused transition needs to know about the task as it is now. */
export interface TaskState {
  readonly taskId: string;
  readonly status: TaskStatus;
  readonly claimedBy: string | null;
  readonly completedBy: string | null;
}

/**
 * Transitions are conditional UPDATEs; when one changes no row, this says why from the task as
 * it is now: `undefined` means the agent's request already holds (a retried claim, completion or
 * release), which is answered as a success without a second event.
 */
export function refusalOf(
  task: TaskState,
  action: TaskAction,
  agent: string,
): TaskDomainError | undefined {
  switch (task.status) {
    case 'open':
      if (action === 'release') return undefined;
      return new TaskDomainError(
        TaskErrorCode.NotClaimedByYou,
        `task ${task.taskId} is open: claim it before completing it`,
      );
    case 'claimed':
      if (task.claimedBy === agent) {
        // Complete and release match this agent's claim; only a retried claim lands here.
        return action === 'claim' ? undefined : changedMeanwhile(task);
      }
      return action === 'claim'
        ? new TaskDomainError(
            TaskErrorCode.ClaimedByAnotherAgent,
            `task ${task.taskId} is claimed by another agent`,
          )
        : new TaskDomainError(
            TaskErrorCode.NotClaimedByYou,
            `task ${task.taskId} is claimed by another agent; only they can ${action} it`,
          );
    case 'completed':
      if (action === 'complete' && task.completedBy === agent) return undefined;
      return closed(task);
    case 'cancelled':
      return closed(task);
  }
}

/** "other" alone tells the next agent nothing. */
export function assertCompletion(outcome: TaskOutcome, note: string | undefined): void {
  if (OUTCOMES_NEEDING_A_NOTE.includes(outcome) && (note ?? '').trim() === '') {
    throw new TaskDomainError(
      TaskErrorCode.NoteRequired,
      `the outcome "${outcome}" needs a note saying what happened`,
    );
  }
}

function changedMeanwhile(task: TaskState): TaskDomainError {
  return new TaskDomainError(
    TaskErrorCode.NotClaimedByYou,
    `task ${task.taskId} changed while you acted on it; read it and try again`,
  );
}

function closed(task: TaskState): TaskDomainError {
  return new TaskDomainError(
    TaskErrorCode.AlreadyClosed,
    `task ${task.taskId} is already ${task.status}`,
  );
}
