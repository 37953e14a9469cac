import { PageQuery } from '@clement/staff-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { TASK_OUTCOMES, type TaskOutcome } from '../domain/task-outcomes';
import type { TaskStatus } from '../domain/task-transitions';

export const TASK_STATUSES: readonly TaskStatus[] = ['open', 'claimed', 'completed', 'cancelled'];

export class ListTasksQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, enum: TASK_STATUSES, description: 'Default: every status' })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ type: String, description: 'A work queue, e.g. "collections"' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  queue?: string;
}

export class CompleteTaskRequest {
  @ApiProperty({
    type: String,
    enum: TASK_OUTCOMES,
    description: 'What came of the task; "other" needs a note',
  })
  @IsIn(TASK_OUTCOMES)
  outcome!: TaskOutcome;

  @ApiPropertyOptional({
    type: String,
    maxLength: 2000,
    description: 'No more personal data than needed',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
