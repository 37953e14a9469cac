import { assertSqlIdentifier, type Outbox } from '@clement/messaging';
import type { SqlRunner } from '../persistence/sql-runner';
import type { CaseChanges } from './case-changes';

const HISTORY_COLUMNS = 7;
// PostgreSQL takes at most 65,535 parameters per statement.
const MAX_HISTORY_ROWS = 5_000;

/** Writes a unit of work's events to the outbox and its history rows, in the caller's transaction. */
export class CaseChangeWriter {
  private readonly historyTable: string;

  constructor(
    private readonly outbox: Outbox,
    schema: string,
  ) {
    this.historyTable = `"${assertSqlIdentifier(schema)}"."case_history"`;
  }

  write(db: SqlRunner, changes: CaseChanges): Promise<void> {
    return this.writeAll(db, [changes]);
  }

  /** Several units of work of one transaction (possibly of several tenants), in order. */
  async writeAll(db: SqlRunner, all: readonly CaseChanges[]): Promise<void> {
    const events = all.flatMap((changes) => changes.events);
    if (events.length === 0) return;
    await this.outbox.appendAll(db, events);
    const history = all.flatMap((changes) =>
      changes.history.map((entry) => ({ tenantId: changes.scope.tenantId, entry })),
    );
    for (let start = 0; start < history.length; start += MAX_HISTORY_ROWS) {
      await this.insertHistory(db, history.slice(start, start + MAX_HISTORY_ROWS));
    }
  }

  private async insertHistory(
    db: SqlRunner,
    history: readonly { tenantId: string; entry: CaseChanges['history'][number] }[],
  ): Promise<void> {
    const values: unknown[] = [];
    const rows = history.map(({ tenantId, entry }, index) => {
      values.push(
        tenantId,
        entry.debtorId,
        entry.caseId,
        entry.eventId,
        entry.eventType,
        entry.actor ? JSON.stringify({ kind: entry.actor.kind, id: entry.actor.id }) : null,
        JSON.stringify(entry.details),
      );
      const n = index * HISTORY_COLUMNS;
      return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}::jsonb, $${n + 7}::jsonb)`;
    });
    await db.query(
      `INSERT INTO ${this.historyTable} ("tenant_id", "debtor_id", "case_id", "event_id", "event_type", "actor", "details") VALUES ${rows.join(', ')}`,
      values,
    );
  }
}
