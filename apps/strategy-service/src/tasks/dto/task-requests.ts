import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { TASK_OUTCOMES, type TaskOutcome } from '../domain/task-outcomes';
import type { TaskStatus } from '../domain/task-transitions';

export const TASK_STATUSES: readonly TaskStatus[] = ['open', 'claimed', 'completed', 'cancelled'];

export class ListTasksQuery {
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

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ type: String, description: 'The nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a cursor this API returned' })
  cursor?: string;
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
