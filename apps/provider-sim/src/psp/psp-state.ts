import { IdempotencyStore } from './domain/idempotency';
import { PspEventLog } from './domain/psp-event-log';
import { PspLedger } from './domain/psp-ledger';

/** Everything the sandbox PSP remembers, in memory like the rest of the simulator. */
export class PspState {
  readonly ledger: PspLedger;
  readonly idempotency = new IdempotencyStore();
  readonly events = new PspEventLog();

  constructor(readonly publicUrl: string) {
    this.ledger = new PspLedger({ publicUrl });
  }

  reset(): void {
    this.ledger.reset();
    this.idempotency.clear();
    this.events.clear();
  }
}
