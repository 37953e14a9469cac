import { registerDomainErrorStatuses } from '@clement/staff-api';
import { TaskErrorCode } from './domain/task-errors';

/** The HTTP status of each agent-task error, for the shared error filter. */
export const TASK_ERROR_STATUSES: Readonly<Record<TaskErrorCode, number>> = {
  [TaskErrorCode.NotFound]: 404,
  [TaskErrorCode.ClaimedByAnotherAgent]: 409,
  [TaskErrorCode.NotClaimedByYou]: 409,
  [TaskErrorCode.AlreadyClosed]: 409,
  [TaskErrorCode.NoteRequired]: 422,
};

registerDomainErrorStatuses(TASK_ERROR_STATUSES);
