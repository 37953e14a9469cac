import type { Outbox } from '@clement/messaging';
import type { TaskRequest } from '@clement/strategy-engine';
import type { EntityManager } from 'typeorm';
import { taskCancelledEvent, taskCreatedEvent } from './agent-task-events';
import type { AgentTasksRepository } from './agent-tasks.repository';

/** What the engine's side of the service uses to create and cancel tasks in its transactions. */
export class AgentTaskWriter {
  constructor(
    private readonly repository: AgentTasksRepository,
    private readonly outbox: Outbox,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Stores the tasks and appends AgentTaskCreated for each, in the caller's transaction.
   * Idempotent on task id: a replayed decision creates neither a second task nor a second event.
   */
  async create(
    manager: EntityManager,
    tasks: readonly TaskRequest[],
    now: Date = this.clock(),
  ): Promise<void> {
    if (tasks.length === 0) return;
    const inserted = await this.repository.insertNew(manager, tasks, now);
    await this.outbox.appendAll(manager, inserted.map(taskCreatedEvent));
  }

  /**
   * Cancels the case's open tasks (the case ended, was paid, was put on hold...). Claimed tasks
   * stay with their agent, who may be talking to the debtor. Appends AgentTaskCancelled for
   * each; returns how many were cancelled.
   */
  async cancelOpenForCase(
    manager: EntityManager,
    tenantId: string,
    caseId: string,
    reason: string,
    now: Date = this.clock(),
  ): Promise<number> {
    const cancelled = await this.repository.cancelOpenForCase(
      manager,
      tenantId,
      caseId,
      reason,
      now,
    );
    await this.outbox.appendAll(
      manager,
      cancelled.map((task) => taskCancelledEvent(task, reason, now)),
    );
    return cancelled.length;
  }
}
