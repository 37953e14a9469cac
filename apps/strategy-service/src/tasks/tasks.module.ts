import { Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { DataSource } from 'typeorm';
import './task-error-statuses';
import { AgentTaskWriter } from './agent-task-writer';
import { AgentTasks } from './agent-tasks';
import { AgentTasksController } from './agent-tasks.controller';
import { AgentTasksRepository } from './agent-tasks.repository';

/**
 * Agent tasks: the staff API agents use, and `AgentTaskWriter` for the engine's transactions.
 * Relies on the global TypeORM DataSource, Outbox (MessagingModule) and AuthModule; the
 * service's schema is the outbox's.
 */
@Module({
  controllers: [AgentTasksController],
  providers: [
    {
      provide: AgentTasksRepository,
      inject: [Outbox],
      useFactory: (outbox: Outbox) => new AgentTasksRepository(outbox.schema),
    },
    {
      provide: AgentTaskWriter,
      inject: [AgentTasksRepository, Outbox],
      useFactory: (repository: AgentTasksRepository, outbox: Outbox) =>
        new AgentTaskWriter(repository, outbox),
    },
    {
      provide: AgentTasks,
      inject: [DataSource, AgentTasksRepository, Outbox],
      useFactory: (dataSource: DataSource, repository: AgentTasksRepository, outbox: Outbox) =>
        new AgentTasks(dataSource, repository, outbox),
    },
  ],
  exports: [AgentTaskWriter],
})
export class TasksModule {}
