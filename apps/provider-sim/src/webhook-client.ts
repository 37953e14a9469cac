import { Injectable, Logger } from '@nestjs/common';

export interface WebhookResult {
  readonly status: number;
  readonly body: string;
}

const WEBHOOK_TIMEOUT_MS = 10_000;

/** Outbound HTTP to the system under test (status callbacks, inbound replies, email events). */
@Injectable()
export class WebhookClient {
  private readonly logger = new Logger(WebhookClient.name);

  async post(
    url: string,
    body: string,
    headers: Readonly<Record<string, string>>,
  ): Promise<WebhookResult | undefined> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      const text = await response.text();
      if (!response.ok) {
        this.logger.warn({ url, status: response.status }, 'webhook answered with an error');
      }
      return { status: response.status, body: text };
    } catch (error: unknown) {
      // A consumer that is down loses the callback, as with the real provider (no retries here).
      this.logger.warn({ url, err: error }, 'webhook delivery failed');
      return undefined;
    }
  }
}
