import type { PspEventDraft, PspEventType } from './psp-objects';
import { randomPspId } from './psp-ledger';

/** One POST of an event to the webhook URL; `status` is null when no answer came. */
export interface PspDelivery {
  readonly attempt: number;
  readonly at: string;
  readonly status: number | null;
  /** Sent by the control API's redeliver, not by the retry schedule. */
  readonly redelivery: boolean;
}

export interface PspEventRecord {
  readonly id: string;
  readonly type: PspEventType;
  readonly created: number;
  /** The exact body every delivery of this event sends. */
  readonly body: string;
  readonly object: Readonly<Record<string, unknown>>;
  readonly deliveries: PspDelivery[];
}

export interface PspEventFilter {
  readonly type?: string;
  /** Clement's payment id (metadata.payment_id) or the PSP's id of the payment or collection. */
  readonly paymentId?: string;
  /** Clement's mandate id (metadata.mandate_id) or the PSP's `md_…`. */
  readonly mandateId?: string;
}

/** Attempts per event before giving up: the first and four retries. */
export const WEBHOOK_MAX_ATTEMPTS = 5;

/** The pause before attempt `attempt` (2…5): 1 s, 2 s, 4 s, 8 s. */
export function webhookRetryDelayMs(attempt: number): number {
  return 1000 * 2 ** (attempt - 2);
}

export function isDelivered(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

function field(object: Readonly<Record<string, unknown>>, name: string): unknown {
  return object[name];
}

function metadataField(object: Readonly<Record<string, unknown>>, name: string): unknown {
  const metadata = object['metadata'];
  return typeof metadata === 'object' && metadata !== null
    ? (metadata as Record<string, unknown>)[name]
    : undefined;
}

/** Every event the sandbox has sent, with each delivery attempt. In memory. */
export class PspEventLog {
  private readonly events: PspEventRecord[] = [];
  private readonly byId = new Map<string, PspEventRecord>();

  constructor(
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: (prefix: string) => string = randomPspId,
  ) {}

  record(draft: PspEventDraft): PspEventRecord {
    const id = this.newId('evt');
    const created = Math.floor(this.clock().getTime() / 1000);
    const body = JSON.stringify({
      id,
      object: 'event',
      type: draft.type,
      created,
      data: { object: draft.object },
    });
    const record: PspEventRecord = {
      id,
      type: draft.type,
      created,
      body,
      object: draft.object,
      deliveries: [],
    };
    this.events.push(record);
    this.byId.set(id, record);
    return record;
  }

  find(id: string): PspEventRecord | undefined {
    return this.byId.get(id);
  }

  addDelivery(record: PspEventRecord, status: number | null, redelivery: boolean): PspDelivery {
    const delivery: PspDelivery = {
      attempt: record.deliveries.length + 1,
      at: this.clock().toISOString(),
      status,
      redelivery,
    };
    record.deliveries.push(delivery);
    return delivery;
  }

  list(filter: PspEventFilter = {}): readonly PspEventRecord[] {
    return this.events.filter((record) => {
      const { object } = record;
      if (filter.type !== undefined && record.type !== filter.type) return false;
      if (
        filter.paymentId !== undefined &&
        ![
          metadataField(object, 'payment_id'),
          field(object, 'payment_intent'),
          record.type.startsWith('payment_intent.') || record.type.startsWith('collection.')
            ? field(object, 'id')
            : undefined,
        ].includes(filter.paymentId)
      ) {
        return false;
      }
      if (
        filter.mandateId !== undefined &&
        ![
          metadataField(object, 'mandate_id'),
          field(object, 'mandate'),
          record.type.startsWith('mandate.') ? field(object, 'id') : undefined,
        ].includes(filter.mandateId)
      ) {
        return false;
      }
      return true;
    });
  }

  clear(): void {
    this.events.length = 0;
    this.byId.clear();
  }
}

/** How the control API shows an event: the event itself plus its deliveries. */
export function eventView(record: PspEventRecord): Record<string, unknown> {
  return {
    ...(JSON.parse(record.body) as Record<string, unknown>),
    deliveries: record.deliveries,
  };
}
