import { assertServiceSchemaName, rowsOf, type SqlRunner } from '@clement/persistence';
import type {
  IdempotencyKeyRef,
  IdempotencyRecord,
  InProgressRecord,
  StoredResponse,
} from '../domain/idempotency-record';
import { IDEMPOTENCY_KEYS_TABLE } from './idempotency-migrations';

/** Where idempotency records live. Every write but `claim` is conditional on the claim's token. */
export interface IdempotencyRepository {
  /** Inserts `claim` unless the key has a record; true when this call created it. */
  claim(claim: InProgressRecord): Promise<boolean>;
  find(ref: IdempotencyKeyRef): Promise<IdempotencyRecord | undefined>;
  /** Replaces the record held under `previousLockToken` by `claim`; false when it changed since. */
  takeOver(previousLockToken: string, claim: InProgressRecord): Promise<boolean>;
  /** Stores the response of the claim `lockToken`; false when that claim was taken over. */
  complete(
    ref: IdempotencyKeyRef,
    lockToken: string,
    response: StoredResponse,
    completedAt: Date,
    expiresAt: Date,
  ): Promise<boolean>;
  /** Deletes the record of the running claim `lockToken`, so the client may retry. */
  release(ref: IdempotencyKeyRef, lockToken: string): Promise<boolean>;
  /** Deletes the records expired at `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

interface RecordRow {
  scope: string;
  key: string;
  fingerprint: string;
  status: 'in_progress' | 'completed';
  lock_token: string;
  locked_at: Date;
  expires_at: Date;
  response_status: number | null;
  response_body: unknown;
}

const PURGE_BATCH = 1_000;

/** The repository over the service's PostgreSQL schema (table from `idempotencyMigrations`). */
export class PostgresIdempotencyRepository implements IdempotencyRepository {
  private readonly table: string;

  constructor(
    private readonly db: SqlRunner,
    schema: string,
  ) {
    assertServiceSchemaName(schema);
    this.table = `"${schema}"."${IDEMPOTENCY_KEYS_TABLE}"`;
  }

  async claim(claim: InProgressRecord): Promise<boolean> {
    const rows = rowsOf<{ key: string }>(
      await this.db.query(
        `INSERT INTO ${this.table}
           ("scope", "key", "fingerprint", "status", "lock_token", "locked_at", "expires_at")
         VALUES ($1, $2, $3, 'in_progress', $4, $5, $6)
         ON CONFLICT ("scope", "key") DO NOTHING
         RETURNING "key"`,
        [
          claim.scope,
          claim.key,
          claim.fingerprint,
          claim.lockToken,
          claim.lockedAt,
          claim.expiresAt,
        ],
      ),
    );
    return rows.length === 1;
  }

  async find(ref: IdempotencyKeyRef): Promise<IdempotencyRecord | undefined> {
    const rows = rowsOf<RecordRow>(
      await this.db.query(
        `SELECT "scope", "key", "fingerprint", "status", "lock_token", "locked_at", "expires_at",
                "response_status", "response_body"
           FROM ${this.table}
          WHERE "scope" = $1 AND "key" = $2`,
        [ref.scope, ref.key],
      ),
    );
    const row = rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  async takeOver(previousLockToken: string, claim: InProgressRecord): Promise<boolean> {
    const rows = rowsOf<{ key: string }>(
      await this.db.query(
        `UPDATE ${this.table}
            SET "fingerprint" = $3, "status" = 'in_progress', "lock_token" = $4,
                "locked_at" = $5, "expires_at" = $6, "response_status" = NULL,
                "response_body" = NULL, "completed_at" = NULL
          WHERE "scope" = $1 AND "key" = $2 AND "lock_token" = $7
          RETURNING "key"`,
        [
          claim.scope,
          claim.key,
          claim.fingerprint,
          claim.lockToken,
          claim.lockedAt,
          claim.expiresAt,
          previousLockToken,
        ],
      ),
    );
    return rows.length === 1;
  }

  async complete(
    ref: IdempotencyKeyRef,
    lockToken: string,
    response: StoredResponse,
    completedAt: Date,
    expiresAt: Date,
  ): Promise<boolean> {
    const rows = rowsOf<{ key: string }>(
      await this.db.query(
        `UPDATE ${this.table}
            SET "status" = 'completed', "response_status" = $4, "response_body" = $5::json,
                "completed_at" = $6, "expires_at" = $7
          WHERE "scope" = $1 AND "key" = $2 AND "lock_token" = $3 AND "status" = 'in_progress'
          RETURNING "key"`,
        [
          ref.scope,
          ref.key,
          lockToken,
          response.status,
          // SQL NULL for an empty body; pg would turn an array parameter into a PostgreSQL array.
          response.body === undefined || response.body === null
            ? null
            : JSON.stringify(response.body),
          completedAt,
          expiresAt,
        ],
      ),
    );
    return rows.length === 1;
  }

  async release(ref: IdempotencyKeyRef, lockToken: string): Promise<boolean> {
    const rows = rowsOf<{ key: string }>(
      await this.db.query(
        `DELETE FROM ${this.table}
          WHERE "scope" = $1 AND "key" = $2 AND "lock_token" = $3 AND "status" = 'in_progress'
          RETURNING "key"`,
        [ref.scope, ref.key, lockToken],
      ),
    );
    return rows.length === 1;
  }

  async purgeExpired(now: Date): Promise<number> {
    let total = 0;
    // Batches keep each statement's locks and WAL small when a backlog has built up.
    for (;;) {
      const rows = rowsOf<{ key: string }>(
        await this.db.query(
          `DELETE FROM ${this.table}
            WHERE ctid IN (SELECT ctid FROM ${this.table} WHERE "expires_at" <= $1 LIMIT $2)
            RETURNING "key"`,
          [now, PURGE_BATCH],
        ),
      );
      total += rows.length;
      if (rows.length < PURGE_BATCH) {
        return total;
      }
    }
  }
}

function toRecord(row: RecordRow): IdempotencyRecord {
  const base = {
    scope: row.scope,
    key: row.key,
    fingerprint: row.fingerprint,
    lockToken: row.lock_token,
    lockedAt: row.locked_at,
    expiresAt: row.expires_at,
  };
  if (row.status === 'in_progress') {
    return { ...base, status: 'in_progress' };
  }
  return {
    ...base,
    status: 'completed',
    response: {
      // The table's CHECK guarantees a status on every completed record.
      status: row.response_status as number,
      body: row.response_body === null ? undefined : row.response_body,
    },
  };
}
