import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  type PipeTransform,
  Post,
} from '@nestjs/common';
import { ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  ErrorBodySchema,
  errorBody,
  type Principal,
  requireTenant,
  Roles,
  StaffApi,
  ValidBody,
  ValidQuery,
  VALIDATION_FAILED,
} from '@clement/staff-api';
import { AgentTasks } from './agent-tasks';
import { decodeTaskCursor, encodeTaskCursor } from './domain/task-list-cursor';
import { CompleteTaskRequest, ListTasksQuery } from './dto/task-requests';
import { taskView } from './dto/task-views';

const DEFAULT_PAGE = 50;

function invalid(field: string, reason: string): BadRequestException {
  return new BadRequestException(
    errorBody(400, VALIDATION_FAILED, 'Request validation failed', [{ field, reason }]),
  );
}

/** Task ids come from the engine (UUIDs today); anything else cannot name a task. */
class TaskIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9:_.-]{1,128}$/.test(value)) {
      throw invalid('taskId', 'taskId is not a task id');
    }
    return value;
  }
}

const taskId = new TaskIdPipe();

/** Staff API for agent tasks: list, claim, complete with an outcome, release. */
@ApiTags('tasks')
@StaffApi()
@ApiNotFoundResponse({ description: 'No such task for your tenant', type: ErrorBodySchema })
@Controller('v1/tasks')
export class AgentTasksController {
  constructor(@Inject(AgentTasks) private readonly tasks: AgentTasks) {}

  /** Most urgent first: priority, then due time. */
  @Get()
  @Roles('agent', 'auditor')
  async list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(ListTasksQuery) query: ListTasksQuery,
  ) {
    const after = query.cursor === undefined ? undefined : decodeTaskCursor(query.cursor);
    if (query.cursor !== undefined && !after) {
      throw invalid('cursor', 'cursor is not a cursor this API returned');
    }
    const limit = query.limit ?? DEFAULT_PAGE;
    const tasks = await this.tasks.list(requireTenant(principal), {
      status: query.status,
      queue: query.queue,
      limit,
      after,
    });
    const last = tasks.length === limit ? tasks[tasks.length - 1] : undefined;
    return {
      items: tasks.map(taskView),
      nextCursor: last ? encodeTaskCursor(last) : null,
    };
  }

  @Get(':taskId')
  @Roles('agent', 'auditor')
  async detail(@CurrentPrincipal() principal: Principal, @Param('taskId', taskId) id: string) {
    return taskView(await this.tasks.get(requireTenant(principal), id));
  }

  @Post(':taskId/claim')
  @HttpCode(200)
  @Roles('agent')
  async claim(@CurrentPrincipal() principal: Principal, @Param('taskId', taskId) id: string) {
    return taskView(await this.tasks.claim(requireTenant(principal), id, principal.subject));
  }

  @Post(':taskId/complete')
  @HttpCode(200)
  @Roles('agent')
  async complete(
    @CurrentPrincipal() principal: Principal,
    @Param('taskId', taskId) id: string,
    @ValidBody(CompleteTaskRequest) body: CompleteTaskRequest,
  ) {
    const tenantId = requireTenant(principal);
    return taskView(
      await this.tasks.complete(tenantId, id, principal.subject, body.outcome, body.note),
    );
  }

  @Post(':taskId/release')
  @HttpCode(200)
  @Roles('agent')
  async release(@CurrentPrincipal() principal: Principal, @Param('taskId', taskId) id: string) {
    return taskView(await this.tasks.release(requireTenant(principal), id, principal.subject));
  }
}
