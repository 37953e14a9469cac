import type { Outbox } from '@clement/messaging';
import type { DataSource } from 'typeorm';
import type { DueWork } from '../shared/periodic-task';
import { promiseBrokenEvent } from './promise-events';
import type { PromisesRepository } from './promises.repository';

const BATCH = 100;

/**
 * Breaks open promises whose deadline has come (PromiseBroken with what was paid so far), once:
 * rows are locked with SKIP LOCKED, and the status changes only from 'open'.
 */
export class PromiseEvaluation implements DueWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly promises: PromisesRepository,
    private readonly outbox: Outbox,
  ) {}

  async evaluateDue(now: Date): Promise<number> {
    let handled = 0;
    for (;;) {
      const broken = await this.dataSource.transaction(async (db) => {
        const due = await this.promises.lockPastDeadline(db, now, BATCH);
        let count = 0;
        for (const promise of due) {
          if (await this.promises.close(db, promise.tenantId, promise.promiseId, 'broken', now)) {
            await this.outbox.appendAll(db, [promiseBrokenEvent(promise, now)]);
            count += 1;
          }
        }
        return { found: due.length, count };
      });
      handled += broken.count;
      if (broken.found < BATCH) return handled;
    }
  }
}
