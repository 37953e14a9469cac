import type { Outbox } from '@clement/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import { taskClaimedEvent, taskCompletedEvent, taskReleasedEvent } from './agent-task-events';
import type {
  AgentTaskRecord,
  AgentTasksRepository,
  TaskListFilter,
} from './agent-tasks.repository';
import { TaskDomainError, TaskErrorCode } from './domain/task-errors';
import type { TaskOutcome } from './domain/task-outcomes';
import { assertCompletion, refusalOf, type TaskAction } from './domain/task-transitions';

/**
 * What agents do with tasks. Each transition is one conditional UPDATE plus its event in one
 * transaction; when the UPDATE changes nothing, the task as it is now says why.
 */
export class AgentTasks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AgentTasksRepository,
    private readonly outbox: Outbox,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  list(tenantId: string, filter: TaskListFilter): Promise<AgentTaskRecord[]> {
    return this.repository.list(this.dataSource, tenantId, filter);
  }

  async get(tenantId: string, taskId: string): Promise<AgentTaskRecord> {
    const task = await this.repository.find(this.dataSource, tenantId, taskId);
    if (!task) throw notFound(taskId);
    return task;
  }

  claim(tenantId: string, taskId: string, agent: string): Promise<AgentTaskRecord> {
    return this.dataSource.transaction(async (manager) => {
      const at = this.clock();
      const claimed = await this.repository.claim(manager, tenantId, taskId, agent, at);
      if (!claimed) return this.unchanged(manager, tenantId, taskId, 'claim', agent);
      await this.outbox.appendAll(manager, [
        taskClaimedEvent({ ...claimed, claimedBy: agent, claimedAt: at }),
      ]);
      return claimed;
    });
  }

  complete(
    tenantId: string,
    taskId: string,
    agent: string,
    outcome: TaskOutcome,
    note: string | undefined,
  ): Promise<AgentTaskRecord> {
    assertCompletion(outcome, note);
    return this.dataSource.transaction(async (manager) => {
      const at = this.clock();
      const completed = await this.repository.complete(manager, tenantId, taskId, agent, {
        outcome,
        note: note ?? null,
        at,
      });
      if (!completed) return this.unchanged(manager, tenantId, taskId, 'complete', agent);
      await this.outbox.appendAll(manager, [
        taskCompletedEvent({ ...completed, completedBy: agent, completedAt: at, outcome }),
      ]);
      return completed;
    });
  }

  /** Gives a claimed task back to its queue. The contract has no event for it. */
  release(tenantId: string, taskId: string, agent: string): Promise<AgentTaskRecord> {
    return this.dataSource.transaction(async (manager) => {
      const released = await this.repository.release(manager, tenantId, taskId, agent);
      if (!released) return this.unchanged(manager, tenantId, taskId, 'release', agent);
      await this.outbox.appendAll(manager, [taskReleasedEvent(released, agent, this.clock())]);
      return released;
    });
  }

  /** The UPDATE applied to nothing: a retry that already holds, or a refusal. */
  private async unchanged(
    manager: EntityManager,
    tenantId: string,
    taskId: string,
    action: TaskAction,
    agent: string,
  ): Promise<AgentTaskRecord> {
    const task = await this.repository.find(manager, tenantId, taskId);
    if (!task) throw notFound(taskId);
    const refusal = refusalOf(task, action, agent);
    if (refusal) throw refusal;
    return task;
  }
}

function notFound(taskId: string): TaskDomainError {
  return new TaskDomainError(TaskErrorCode.NotFound, `no task ${taskId}`);
}
