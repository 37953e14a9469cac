/**
 * Errors of agent tasks. Domain code throws these; the HTTP filter maps the code to a status
 * (tasks/task-error-statuses.ts). No HTTP or Nest types here.
 */
export enum TaskErrorCode {
  NotFound = 'task.not_found',
  ClaimedByAnotherAgent = 'task.claimed_by_another_agent',
  NotClaimedByYou = 'task.not_claimed_by_you',
  AlreadyClosed = 'task.already_closed',
  NoteRequired = 'task.note_required',
}

export class TaskDomainError extends Error {
  constructor(
    readonly code: TaskErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
