import type {
  IdempotencyKeyRef,
  IdempotencyRecord,
  InProgressRecord,
  StoredResponse,
} from '../domain/idempotency-record';
import type { IdempotencyRepository } from '../persistence/idempotency.repository';

/** The PostgreSQL repository's semantics over a Map, for specs without a database. */
export class InMemoryIdempotencyRepository implements IdempotencyRepository {
  readonly records = new Map<string, IdempotencyRecord>();

  async claim(claim: InProgressRecord): Promise<boolean> {
    const id = idOf(claim);
    if (this.records.has(id)) return false;
    this.records.set(id, { ...claim });
    return true;
  }

  async find(ref: IdempotencyKeyRef): Promise<IdempotencyRecord | undefined> {
    const record = this.records.get(idOf(ref));
    return record === undefined ? undefined : structuredClone(record);
  }

  async takeOver(previousLockToken: string, claim: InProgressRecord): Promise<boolean> {
    const id = idOf(claim);
    if (this.records.get(id)?.lockToken !== previousLockToken) return false;
    this.records.set(id, { ...claim });
    return true;
  }

  async complete(
    ref: IdempotencyKeyRef,
    lockToken: string,
    response: StoredResponse,
    _completedAt: Date,
    expiresAt: Date,
  ): Promise<boolean> {
    const id = idOf(ref);
    const record = this.records.get(id);
    if (record?.status !== 'in_progress' || record.lockToken !== lockToken) return false;
    // Through JSON, as the json column stores it.
    const body: unknown =
      response.body === undefined || response.body === null
        ? undefined
        : JSON.parse(JSON.stringify(response.body));
    this.records.set(id, {
      ...record,
      status: 'completed',
      expiresAt,
      response: { status: response.status, body },
    });
    return true;
  }

  async release(ref: IdempotencyKeyRef, lockToken: string): Promise<boolean> {
    const id = idOf(ref);
    const record = this.records.get(id);
    if (record?.status !== 'in_progress' || record.lockToken !== lockToken) return false;
    this.records.delete(id);
    return true;
  }

  async purgeExpired(now: Date): Promise<number> {
    let purged = 0;
    for (const [id, record] of this.records) {
      if (record.expiresAt.getTime() <= now.getTime()) {
        this.records.delete(id);
        purged += 1;
      }
    }
    return purged;
  }
}

function idOf(ref: IdempotencyKeyRef): string {
  return JSON.stringify([ref.scope, ref.key]);
}
