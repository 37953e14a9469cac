import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHandling } from '../domain/error-modes';
import { planMessageStatuses, type StatusStep } from '../domain/outcomes';
import { type FormParams, twilioSignature } from '../domain/twilio-signature';
import { Scheduler } from '../scheduler';
import { type SimTwilioMessage, SimState, twilioSid } from '../sim-state';
import { WebhookClient, type WebhookResult } from '../webhook-client';
import { API_VERSION, messageResource, twilioError, type TwilioErrorBody } from './twilio-format';
import { TwilioCredentials } from './twilio-credentials';

export type CreateMessageResult =
  | { readonly kind: 'created'; readonly body: Record<string, unknown> }
  | { readonly kind: 'error'; readonly body: TwilioErrorBody }
  | { readonly kind: 'hang' };

const MAX_BODY_LENGTH = 1600;

function param(params: Record<string, unknown>, name: string): string | null {
  const value = params[name];
  if (Array.isArray(value))
    return typeof value[0] === 'string' && value[0] !== '' ? value[0] : null;
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The Messages API: accepts or refuses a message, then plays its status callbacks. */
@Injectable()
export class TwilioSimulator {
  private readonly logger = new Logger(TwilioSimulator.name);

  constructor(
    @Inject(SimState) private readonly state: SimState,
    @Inject(Scheduler) private readonly scheduler: Scheduler,
    @Inject(WebhookClient) private readonly webhooks: WebhookClient,
    @Inject(TwilioCredentials) private readonly credentials: TwilioCredentials,
  ) {}

  createMessage(accountSid: string, params: Record<string, unknown>): CreateMessageResult {
    const to = param(params, 'To');
    const from = param(params, 'From');
    const messagingServiceSid = param(params, 'MessagingServiceSid');
    const body = param(params, 'Body');
    const contentSid = param(params, 'ContentSid');
    if (!to)
      return { kind: 'error', body: twilioError(400, 21604, "A 'To' phone number is required.") };
    this.state.countRequest(to);
    if (!from && !messagingServiceSid) {
      return { kind: 'error', body: twilioError(400, 21603, "A 'From' phone number is required.") };
    }
    if (!body && !contentSid && !param(params, 'MediaUrl')) {
      return { kind: 'error', body: twilioError(400, 21602, 'Message body is required.') };
    }
    if (body && [...body].length > MAX_BODY_LENGTH) {
      return {
        kind: 'error',
        body: twilioError(
          400,
          21617,
          'The concatenated message body exceeds the 1600 character limit.',
        ),
      };
    }

    const mode = this.state.errorModes.select(
      to,
      this.state.settings.rates,
      this.state.nextRandom(`twilio-request:${to}`),
    );
    const whatsapp = to.startsWith('whatsapp:');
    const handling = createHandling(mode);
    if (!handling.create) {
      return handling.reply === 'hang'
        ? { kind: 'hang' }
        : {
            kind: 'error',
            body: twilioError(handling.reply.status, handling.reply.code, handling.reply.message),
          };
    }

    const now = new Date();
    const message: SimTwilioMessage = {
      channel: whatsapp ? 'whatsapp' : 'sms',
      direction: 'outbound-api',
      sid: twilioSid('SM'),
      accountSid,
      to,
      from,
      body,
      messagingServiceSid,
      contentSid,
      contentVariables: param(params, 'ContentVariables'),
      statusCallback: param(params, 'StatusCallback'),
      dateCreated: now,
      status: 'queued',
      errorCode: null,
      dateUpdated: now,
      dateSent: null,
      history: [{ status: 'queued', at: now.toISOString() }],
    };
    this.state.addTwilio(message);
    // Twilio enforces the 24-hour window on free-form bodies only; approved templates still go out.
    const outsideWhatsAppWindow = whatsapp && mode === 'whatsapp-window-closed' && !contentSid;
    const steps = planMessageStatuses(
      { whatsapp, outsideWhatsAppWindow },
      this.state.settings.rates,
      this.state.nextRandom(`twilio-outcome:${to}`),
    );
    this.playStatuses(message, steps);
    if (handling.reply === 'hang') {
      this.logger.debug({ messageSid: message.sid, to }, 'accepted, then holding the response');
      return { kind: 'hang' };
    }
    return { kind: 'created', body: messageResource(message) };
  }

  /** Every message of the account (sent and received), newest first. */
  listMessages(accountSid: string): SimTwilioMessage[] {
    return this.state.twilioMessages(accountSid);
  }

  getMessage(sid: string): Record<string, unknown> | undefined {
    const message = this.state.twilioMessage(sid);
    return message ? messageResource(message) : undefined;
  }

  /** A reply from a simulated phone, posted to the consumer's inbound webhook, signed. */
  async injectInbound(input: {
    from: string;
    to: string;
    body: string;
    url: string;
  }): Promise<{ sid: string; webhook: WebhookResult | undefined }> {
    const now = new Date();
    const message: SimTwilioMessage = {
      channel: input.from.startsWith('whatsapp:') ? 'whatsapp' : 'sms',
      direction: 'inbound',
      sid: twilioSid('SM'),
      accountSid: this.credentials.accountSid,
      to: input.to,
      from: input.from,
      body: input.body,
      messagingServiceSid: null,
      contentSid: null,
      contentVariables: null,
      statusCallback: null,
      dateCreated: now,
      status: 'received',
      errorCode: null,
      dateUpdated: now,
      dateSent: now,
      history: [{ status: 'received', at: now.toISOString() }],
    };
    this.state.addTwilio(message);
    const params: Record<string, string> = {
      AccountSid: message.accountSid,
      ApiVersion: API_VERSION,
      Body: input.body,
      From: input.from,
      MessageSid: message.sid,
      NumMedia: '0',
      NumSegments: '1',
      SmsMessageSid: message.sid,
      SmsSid: message.sid,
      SmsStatus: 'received',
      To: input.to,
    };
    if (message.channel === 'whatsapp') {
      params['WaId'] = input.from.replace(/^whatsapp:\+?/, '');
    }
    const webhook = await this.postSigned(input.url, params);
    return { sid: message.sid, webhook };
  }

  private playStatuses(message: SimTwilioMessage, steps: readonly StatusStep[]): void {
    this.scheduler.run(async (wait) => {
      for (const step of steps) {
        await wait(this.state.settings.twilioStatusDelayMs);
        const now = new Date();
        message.status = step.status;
        message.errorCode = step.errorCode ?? null;
        message.dateUpdated = now;
        if (step.status === 'sent') message.dateSent = now;
        message.history.push({
          status: step.status,
          at: now.toISOString(),
          errorCode: step.errorCode,
        });
        if (message.statusCallback) {
          await this.postSigned(message.statusCallback, this.callbackParams(message, step));
        }
      }
    });
  }

  private callbackParams(message: SimTwilioMessage, step: StatusStep): Record<string, string> {
    const params: Record<string, string> = {
      AccountSid: message.accountSid,
      ApiVersion: API_VERSION,
      MessageSid: message.sid,
      MessageStatus: step.status,
      SmsSid: message.sid,
      SmsStatus: step.status,
      To: message.to,
    };
    if (message.from) params['From'] = message.from;
    if (message.messagingServiceSid) params['MessagingServiceSid'] = message.messagingServiceSid;
    if (step.errorCode) params['ErrorCode'] = String(step.errorCode);
    if (message.channel === 'whatsapp') params['ChannelPrefix'] = 'whatsapp';
    return params;
  }

  private async postSigned(
    url: string,
    params: FormParams & Record<string, string>,
  ): Promise<WebhookResult | undefined> {
    const signature = twilioSignature(this.credentials.authToken, url, params);
    this.logger.debug({ url, messageSid: params['MessageSid'] }, 'posting signed Twilio webhook');
    return this.webhooks.post(url, new URLSearchParams(params).toString(), {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      'X-Twilio-Signature': signature,
      'User-Agent': 'TwilioProxy/1.1',
    });
  }
}
