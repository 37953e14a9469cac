import { Inject, Injectable, Logger } from '@nestjs/common';
import { Scheduler } from '../scheduler';
import { SimState } from '../sim-state';
import { WebhookClient } from '../webhook-client';
import {
  isDelivered,
  type PspEventRecord,
  WEBHOOK_MAX_ATTEMPTS,
  webhookRetryDelayMs,
} from './domain/psp-event-log';
import type { PspEventDraft } from './domain/psp-objects';
import { PSP_SIGNATURE_HEADER, pspSignatureHeader } from './domain/psp-signature';
import { PspState } from './psp-state';

export const PSP_WEBHOOK_SECRETS = Symbol('PSP_WEBHOOK_SECRETS');

/** Records sandbox PSP events and posts them, signed, to the webhook URL, retrying non-2xx answers. */
@Injectable()
export class PspWebhooks {
  private readonly logger = new Logger(PspWebhooks.name);

  constructor(
    @Inject(SimState) private readonly state: SimState,
    @Inject(PspState) private readonly psp: PspState,
    @Inject(Scheduler) private readonly scheduler: Scheduler,
    @Inject(WebhookClient) private readonly webhooks: WebhookClient,
    @Inject(PSP_WEBHOOK_SECRETS) private readonly secrets: readonly string[],
  ) {}

  emit(drafts: readonly PspEventDraft[]): PspEventRecord[] {
    return drafts.map((draft) => {
      const record = this.psp.events.record(draft);
      this.scheduler.run(async (wait) => {
        for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
          if (attempt > 1) await wait(webhookRetryDelayMs(attempt));
          const status = await this.send(record, false);
          if (status === 'no_url' || isDelivered(status)) return;
        }
        this.logger.warn({ eventId: record.id, type: record.type }, 'PSP webhook given up');
      });
      return record;
    });
  }

  /** Sends the same event again `times` times, one after the other, each freshly signed. */
  async redeliver(record: PspEventRecord, times: number): Promise<(number | null)[] | 'no_url'> {
    const statuses: (number | null)[] = [];
    for (let i = 0; i < times; i++) {
      const status = await this.send(record, true);
      if (status === 'no_url') return 'no_url';
      statuses.push(status);
    }
    return statuses;
  }

  private async send(
    record: PspEventRecord,
    redelivery: boolean,
  ): Promise<number | null | 'no_url'> {
    const url = this.state.settings.pspWebhookUrl;
    if (!url) return 'no_url';
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await this.webhooks.post(url, record.body, {
      'Content-Type': 'application/json',
      'User-Agent': 'Clement-Sandbox-PSP/1.0',
      [PSP_SIGNATURE_HEADER]: pspSignatureHeader(this.secrets, timestamp, record.body),
    });
    const status = result?.status ?? null;
    this.psp.events.addDelivery(record, status, redelivery);
    return status;
  }
}
