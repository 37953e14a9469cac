import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type EmailEventType, planEmailEvents } from '../domain/outcomes';
import {
  EventWebhookSigner,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
} from '../domain/sendgrid-signature';
import { Scheduler } from '../scheduler';
import { sendgridMessageId, type SimEmail, SimState } from '../sim-state';
import { WebhookClient } from '../webhook-client';

export interface SendGridErrorBody {
  readonly errors: { message: string; field: string | null; help: string | null }[];
}

export type SendMailResult =
  | { readonly kind: 'accepted'; readonly messageId: string }
  | { readonly kind: 'error'; readonly status: number; readonly body: SendGridErrorBody };

interface Address {
  readonly email: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAddress(value: unknown): value is Address {
  return isRecord(value) && typeof value['email'] === 'string' && value['email'].includes('@');
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

function invalid(message: string, field: string): SendMailResult {
  return { kind: 'error', status: 400, body: { errors: [{ message, field, help: null }] } };
}

/** SendGrid v3 mail send, then the signed Event Webhook for each recipient. */
@Injectable()
export class SendGridSimulator {
  constructor(
    @Inject(SimState) private readonly state: SimState,
    @Inject(Scheduler) private readonly scheduler: Scheduler,
    @Inject(WebhookClient) private readonly webhooks: WebhookClient,
    @Inject(EventWebhookSigner) private readonly signer: EventWebhookSigner,
  ) {}

  publicKey(): string {
    return this.signer.publicKeyBase64();
  }

  send(mail: unknown): SendMailResult {
    if (!isRecord(mail)) return invalid('The request body must be a JSON object.', 'body');
    const personalizations = mail['personalizations'];
    if (!Array.isArray(personalizations) || personalizations.length === 0) {
      return invalid(
        'The personalizations field is required and must have at least one personalization.',
        'personalizations',
      );
    }
    if (!isAddress(mail['from'])) {
      return invalid('The from object must be provided for every email send.', 'from.email');
    }
    const templateId = typeof mail['template_id'] === 'string' ? mail['template_id'] : null;
    const subject = typeof mail['subject'] === 'string' ? mail['subject'] : null;
    const content = Array.isArray(mail['content'])
      ? (mail['content'] as unknown[]).filter(isRecord)
      : [];
    if (
      !templateId &&
      !subject &&
      !personalizations.some((p) => isRecord(p) && typeof p['subject'] === 'string')
    ) {
      return invalid(
        'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
        'subject',
      );
    }
    if (!templateId && content.length === 0) {
      return invalid(
        'Unless a valid template_id is provided, the content parameter is required.',
        'content',
      );
    }
    const recipients: { to: string; subject: string | null; customArgs: Record<string, string> }[] =
      [];
    for (const [index, personalization] of personalizations.entries()) {
      const to: unknown = isRecord(personalization) ? personalization['to'] : undefined;
      if (!Array.isArray(to) || to.length === 0 || !to.every(isAddress)) {
        return invalid(
          'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
          `personalizations.${index}.to`,
        );
      }
      const own = personalization as Record<string, unknown>;
      for (const address of to) {
        recipients.push({
          to: address.email,
          subject: typeof own['subject'] === 'string' ? own['subject'] : subject,
          customArgs: { ...stringMap(mail['custom_args']), ...stringMap(own['custom_args']) },
        });
      }
    }

    const messageId = sendgridMessageId();
    const text = content.find((part) => part['type'] === 'text/plain') ?? content[0];
    const categories = Array.isArray(mail['categories'])
      ? (mail['categories'] as unknown[]).filter((c): c is string => typeof c === 'string')
      : [];
    const emails = recipients.map((recipient, index): SimEmail => ({
      channel: 'email',
      messageId,
      sgMessageId: `${messageId}.sim${index}.0`,
      to: recipient.to,
      from: (mail['from'] as Address).email,
      subject: recipient.subject,
      text: typeof text?.['value'] === 'string' ? text['value'] : null,
      customArgs: recipient.customArgs,
      createdAt: new Date(),
      history: [],
    }));
    for (const email of emails) this.state.addEmail(email);
    this.playEvents(emails, categories);
    return { kind: 'accepted', messageId };
  }

  private playEvents(emails: readonly SimEmail[], categories: readonly string[]): void {
    const plans = emails.map((email) =>
      planEmailEvents(
        this.state.settings.rates,
        this.state.nextRandom(`sendgrid-outcome:${email.to}`),
      ),
    );
    const stages = Math.max(...plans.map((plan) => plan.length));
    this.scheduler.run(async (wait) => {
      for (let stage = 0; stage < stages; stage++) {
        await wait(this.state.settings.sendgridEventDelayMs);
        const batch = emails.flatMap((email, index) => {
          const type = plans[index]?.[stage];
          return type ? [this.event(email, type, categories)] : [];
        });
        await this.post(batch);
      }
    });
  }

  private event(
    email: SimEmail,
    type: EmailEventType,
    categories: readonly string[],
  ): Record<string, unknown> {
    const now = new Date();
    email.history.push({ status: type, at: now.toISOString() });
    const event: Record<string, unknown> = {
      ...email.customArgs,
      email: email.to,
      timestamp: Math.floor(now.getTime() / 1000),
      event: type,
      'smtp-id': `<${email.messageId}@sim.clement.local>`,
      sg_event_id: randomBytes(16).toString('base64url'),
      sg_message_id: email.sgMessageId,
    };
    if (categories.length > 0) event['category'] = categories;
    switch (type) {
      case 'bounce':
        Object.assign(event, {
          type: 'bounce',
          status: '5.1.1',
          reason: '550 5.1.1 The email account does not exist.',
        });
        break;
      case 'dropped':
        Object.assign(event, { reason: 'Bounced Address', status: '5.0.0' });
        break;
      case 'click':
        event['url'] = 'https://portal.clement.local/';
        break;
      case 'open':
      case 'processed':
      case 'delivered':
      case 'unsubscribe':
        break;
    }
    return event;
  }

  private async post(events: readonly Record<string, unknown>[]): Promise<void> {
    const url = this.state.settings.sendgridEventWebhookUrl;
    if (!url || events.length === 0) return;
    const payload = JSON.stringify(events);
    const timestamp = String(Math.floor(Date.now() / 1000));
    await this.webhooks.post(url, payload, {
      'Content-Type': 'application/json',
      'User-Agent': 'SendGrid Event API',
      [SENDGRID_SIGNATURE_HEADER]: this.signer.sign(payload, timestamp),
      [SENDGRID_TIMESTAMP_HEADER]: timestamp,
    });
  }
}
