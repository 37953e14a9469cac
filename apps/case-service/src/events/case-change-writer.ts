import { assertSqlIdentifier, type Outbox } from '@clement/messaging';
import type { SqlRunner } from '../persistence/sql-runner';
import type { CaseChanges } from './case-changes';

const HISTORY_COLUMNS = 6;

/** Writes a unit of work's events to the outbox and its history rows, in the caller's transaction. */
export class CaseChangeWriter {
  private readonly historyTable: string;

  constructor(
    private readonly outbox: Outbox,
    schema: string,
  ) {
    this.historyTable = `"${assertSqlIdentifier(schema)}"."case_history"`;
  }

  async write(db: SqlRunner, changes: CaseChanges): Promise<void> {
    if (changes.isEmpty) return;
    await this.outbox.appendAll(db, changes.events);
    if (changes.history.length === 0) return;
    const values: unknown[] = [];
    const rows = changes.history.map((entry, index) => {
      values.push(
        entry.debtorId,
        entry.caseId,
        entry.eventId,
        entry.eventType,
        entry.actor ? JSON.stringify({ kind: entry.actor.kind, id: entry.actor.id }) : null,
        JSON.stringify(entry.details),
      );
      const n = index * HISTORY_COLUMNS;
      return `($1, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}::jsonb, $${n + 7}::jsonb)`;
    });
    await db.query(
      `INSERT INTO ${this.historyTable} ("tenant_id", "debtor_id", "case_id", "event_id", "event_type", "actor", "details") VALUES ${rows.join(', ')}`,
      [changes.scope.tenantId, ...values],
    );
  }
}
