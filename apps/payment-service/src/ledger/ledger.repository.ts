import { assertSqlIdentifier } from '@clement/messaging';
import { rowsOf, type SqlRunner } from '@clement/persistence';
import type { AccountBalance } from './domain/allocation';

export type LedgerEntryKind =
  | 'placed'
  | 'adjustment'
  | 'payment'
  | 'overpayment'
  | 'refund'
  | 'overpayment_refund'
  | 'chargeback'
  | 'creditor_payment'
  | 'creditor_payment_reversed';

/** One movement. Positive raises what is owed; negative lowers it. No account: the case's credit. */
export interface LedgerEntry {
  caseId: string;
  accountId: string | null;
  kind: LedgerEntryKind;
  amountMinor: number;
  currency: string;
  paymentId?: string;
  /** What the entry books (an event, a payment, a reversal); a second booking is ignored. */
  sourceId: string;
  occurredAt: Date;
}

export interface LedgerLine extends LedgerEntry {
  entryId: string;
  recordedAt: Date;
}

/**
 * The append-only ledger. `append` ignores an entry whose source was booked already, so
 * replays and redeliveries count once; balances are sums of entries.
 */
export class LedgerRepository {
  private readonly table: string;
  private readonly accounts: string;

  constructor(schema: string) {
    const s = assertSqlIdentifier(schema);
    this.table = `"${s}"."ledger_entries"`;
    this.accounts = `"${s}"."accounts"`;
  }

  /** Appends the entries; returns how many were new. */
  async append(db: SqlRunner, tenantId: string, entries: readonly LedgerEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const values: unknown[] = [];
    const rows = entries.map((entry, index) => {
      const n = index * 9;
      values.push(
        tenantId,
        entry.caseId,
        entry.accountId,
        entry.kind,
        entry.amountMinor,
        entry.currency,
        entry.paymentId ?? null,
        entry.sourceId,
        entry.occurredAt,
      );
      return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8}, $${n + 9})`;
    });
    const inserted = rowsOf<{ entry_id: string }>(
      await db.query(
        `INSERT INTO ${this.table} ("tenant_id", "case_id", "account_id", "kind", "amount_minor", "currency", "payment_id", "source_id", "occurred_at")
         VALUES ${rows.join(', ')}
         ON CONFLICT ("tenant_id", "source_id", COALESCE("account_id", '')) DO NOTHING
         RETURNING "entry_id"`,
        values,
      ),
    );
    return inserted.length;
  }

  /** Each account's balance with what allocation needs to order them. */
  async accountBalances(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
  ): Promise<AccountBalance[]> {
    const rows = rowsOf<{
      account_id: string;
      balance: string;
      days_past_due: number;
      placed_at: Date;
    }>(
      await db.query(
        `SELECT a."account_id", a."days_past_due", a."placed_at",
                COALESCE((SELECT SUM(e."amount_minor") FROM ${this.table} e
                           WHERE e."tenant_id" = a."tenant_id" AND e."account_id" = a."account_id"), 0) AS "balance"
           FROM ${this.accounts} a
          WHERE a."tenant_id" = $1 AND a."case_id" = $2
          ORDER BY a."placed_at", a."account_id"`,
        [tenantId, caseId],
      ),
    );
    return rows.map((row) => ({
      accountId: row.account_id,
      balanceMinor: Number(row.balance),
      daysPastDue: row.days_past_due,
      placedAt: row.placed_at,
    }));
  }

  /** The case's credit: overpayments not refunded yet. */
  async credit(db: SqlRunner, tenantId: string, caseId: string): Promise<number> {
    const [row] = rowsOf<{ credit: string }>(
      await db.query(
        `SELECT COALESCE(-SUM("amount_minor"), 0) AS "credit" FROM ${this.table}
          WHERE "tenant_id" = $1 AND "case_id" = $2 AND "account_id" IS NULL`,
        [tenantId, caseId],
      ),
    );
    return Number(row?.credit ?? 0);
  }

  async entries(db: SqlRunner, tenantId: string, caseId: string): Promise<LedgerLine[]> {
    const rows = rowsOf<{
      entry_id: string;
      case_id: string;
      account_id: string | null;
      kind: LedgerEntryKind;
      amount_minor: string;
      currency: string;
      payment_id: string | null;
      source_id: string;
      occurred_at: Date;
      recorded_at: Date;
    }>(
      await db.query(
        `SELECT * FROM ${this.table} WHERE "tenant_id" = $1 AND "case_id" = $2 ORDER BY "entry_id"`,
        [tenantId, caseId],
      ),
    );
    return rows.map((row) => ({
      entryId: row.entry_id,
      caseId: row.case_id,
      accountId: row.account_id,
      kind: row.kind,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      ...(row.payment_id ? { paymentId: row.payment_id } : {}),
      sourceId: row.source_id,
      occurredAt: row.occurred_at,
      recordedAt: row.recorded_at,
    }));
  }
}
