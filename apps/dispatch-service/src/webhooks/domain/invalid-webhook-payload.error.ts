/** A correctly signed webhook whose content is not what the provider documents. */
export class InvalidWebhookPayloadError extends Error {
  readonly code = 'webhook.invalid_payload';

  constructor(message: string) {
    super(message);
    this.name = 'InvalidWebhookPayloadError';
  }
}
