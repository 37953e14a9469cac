import { assertSqlIdentifier } from '@clement/messaging';
import type { TaskRequest } from '@clement/strategy-engine';
import type { TaskListPosition } from './domain/task-list-cursor';
import type { TaskOutcome } from './domain/task-outcomes';
import type { TaskStatus } from './domain/task-transitions';

/** A connection or transaction; TypeORM's EntityManager and DataSource both fit. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface AgentTaskRecord {
  readonly taskId: string;
  readonly tenantId: string;
  readonly caseId: string;
  readonly debtorId: string;
  readonly queue: string;
  readonly reason: string;
  readonly priority: number;
  readonly status: TaskStatus;
  readonly decisionId: string;
  readonly dueAt: Date;
  readonly createdAt: Date;
  readonly claimedBy: string | null;
  readonly claimedAt: Date | null;
  readonly completedBy: string | null;
  readonly completedAt: Date | null;
  readonly outcome: TaskOutcome | null;
  readonly note: string | null;
  readonly cancelledAt: Date | null;
  readonly cancelReason: string | null;
}

export interface TaskListFilter {
  readonly status?: TaskStatus;
  readonly queue?: string;
  readonly limit: number;
  readonly after?: TaskListPosition;
}

interface TaskRow {
  task_id: string;
  tenant_id: string;
  case_id: string;
  debtor_id: string;
  queue: string;
  reason: string;
  priority: number;
  status: TaskStatus;
  decision_id: string;
  due_at: Date;
  created_at: Date;
  claimed_by: string | null;
  claimed_at: Date | null;
  completed_by: string | null;
  completed_at: Date | null;
  outcome: TaskOutcome | null;
  note: string | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
}

const INSERT_COLUMNS = 11;
// PostgreSQL takes at most 65,535 parameters per statement.
const MAX_ROWS_PER_INSERT = 5_000;

/**
 * Agent tasks; every query names the tenant. Transitions are conditional UPDATEs that return the
 * row only when they applied, so concurrent agents cannot both win. Each UPDATE is wrapped in a
 * CTE so TypeORM returns plain rows.
 */
export class AgentTasksRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `"${assertSqlIdentifier(schema)}"."agent_tasks"`;
  }

  /** Inserts the tasks not stored yet; returns those it inserted. */
  async insertNew(
    db: SqlRunner,
    tasks: readonly TaskRequest[],
    createdAt: Date,
  ): Promise<AgentTaskRecord[]> {
    const inserted: AgentTaskRecord[] = [];
    for (let start = 0; start < tasks.length; start += MAX_ROWS_PER_INSERT) {
      const slice = tasks.slice(start, start + MAX_ROWS_PER_INSERT);
      const values: unknown[] = [];
      const placeholders = slice.map((task, index) => {
        values.push(
          task.taskId,
          task.tenantId,
          task.caseId,
          task.debtorId,
          task.queue,
          task.reason,
          task.priority,
          task.decisionId,
          new Date(task.dueAt),
          createdAt,
          'open',
        );
        const n = index * INSERT_COLUMNS;
        const params = Array.from({ length: INSERT_COLUMNS }, (_, i) => `$${n + i + 1}`);
        return `(${params.join(', ')})`;
      });
      const rows: TaskRow[] = await db.query(
        `INSERT INTO ${this.table} ("task_id", "tenant_id", "case_id", "debtor_id", "queue", "reason",
           "priority", "decision_id", "due_at", "created_at", "status")
         VALUES ${placeholders.join(', ')}
         ON CONFLICT ("task_id") DO NOTHING
         RETURNING *`,
        values,
      );
      inserted.push(...rows.map(recordOf));
    }
    return inserted;
  }

  async find(
    db: SqlRunner,
    tenantId: string,
    taskId: string,
  ): Promise<AgentTaskRecord | undefined> {
    const rows: TaskRow[] = await db.query(
      `SELECT * FROM ${this.table} WHERE "tenant_id" = $1 AND "task_id" = $2`,
      [tenantId, taskId],
    );
    return rows[0] && recordOf(rows[0]);
  }

  async list(db: SqlRunner, tenantId: string, filter: TaskListFilter): Promise<AgentTaskRecord[]> {
    const where = [`"tenant_id" = $1`];
    const values: unknown[] = [tenantId];
    const param = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    if (filter.status) where.push(`"status" = ${param(filter.status)}`);
    if (filter.queue) where.push(`"queue" = ${param(filter.queue)}`);
    if (filter.after) {
      where.push(
        `("priority", "due_at", "task_id") > (${param(filter.after.priority)}, ${param(filter.after.dueAt)}, ${param(filter.after.taskId)})`,
      );
    }
    const rows: TaskRow[] = await db.query(
      `SELECT * FROM ${this.table} WHERE ${where.join(' AND ')}
        ORDER BY "priority", "due_at", "task_id" LIMIT ${param(filter.limit)}`,
      values,
    );
    return rows.map(recordOf);
  }

  /** open → claimed by `agent`; undefined when the task was not open. */
  claim(
    db: SqlRunner,
    tenantId: string,
    taskId: string,
    agent: string,
    at: Date,
  ): Promise<AgentTaskRecord | undefined> {
    return this.transition(
      db,
      `"status" = 'claimed', "claimed_by" = $3, "claimed_at" = $4`,
      `"status" = 'open'`,
      [tenantId, taskId, agent, at],
    );
  }

  /** claimed by `agent` → completed; undefined when it was not claimed by `agent`. */
  complete(
    db: SqlRunner,
    tenantId: string,
    taskId: string,
    agent: string,
    completion: { outcome: TaskOutcome; note: string | null; at: Date },
  ): Promise<AgentTaskRecord | undefined> {
    return this.transition(
      db,
      `"status" = 'completed', "completed_by" = $3, "completed_at" = $4, "outcome" = $5, "note" = $6`,
      `"status" = 'claimed' AND "claimed_by" = $3`,
      [tenantId, taskId, agent, completion.at, completion.outcome, completion.note],
    );
  }

  /** claimed by `agent` → open again; undefined when it was not claimed by `agent`. */
  release(
    db: SqlRunner,
    tenantId: string,
    taskId: string,
    agent: string,
  ): Promise<AgentTaskRecord | undefined> {
    return this.transition(
      db,
      `"status" = 'open', "claimed_by" = NULL, "claimed_at" = NULL`,
      `"status" = 'claimed' AND "claimed_by" = $3`,
      [tenantId, taskId, agent],
    );
  }

  /** Cancels the case's open tasks (claimed ones stay with their agent); returns them. */
  async cancelOpenForCase(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
    reason: string,
    at: Date,
  ): Promise<AgentTaskRecord[]> {
    const rows: TaskRow[] = await db.query(
      `WITH cancelled AS (
         UPDATE ${this.table} SET "status" = 'cancelled', "cancelled_at" = $3, "cancel_reason" = $4
          WHERE "tenant_id" = $1 AND "case_id" = $2 AND "status" = 'open'
          RETURNING *)
       SELECT * FROM cancelled`,
      [tenantId, caseId, at, reason],
    );
    return rows.map(recordOf);
  }

  private async transition(
    db: SqlRunner,
    set: string,
    condition: string,
    values: unknown[],
  ): Promise<AgentTaskRecord | undefined> {
    const rows: TaskRow[] = await db.query(
      `WITH changed AS (
         UPDATE ${this.table} SET ${set}
          WHERE "tenant_id" = $1 AND "task_id" = $2 AND ${condition}
          RETURNING *)
       SELECT * FROM changed`,
      values,
    );
    return rows[0] && recordOf(rows[0]);
  }
}

function recordOf(row: TaskRow): AgentTaskRecord {
  return {
    taskId: row.task_id,
    tenantId: row.tenant_id,
    caseId: row.case_id,
    debtorId: row.debtor_id,
    queue: row.queue,
    reason: row.reason,
    priority: row.priority,
    status: row.status,
    decisionId: row.decision_id,
    dueAt: row.due_at,
    createdAt: row.created_at,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    completedBy: row.completed_by,
    completedAt: row.completed_at,
    outcome: row.outcome,
    note: row.note,
    cancelledAt: row.cancelled_at,
    cancelReason: row.cancel_reason,
  };
}
