import { Controller, Header, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import { EventWebhookHeader } from '@sendgrid/eventwebhook';
import { InvalidWebhookPayloadError } from './domain/invalid-webhook-payload.error';
import { sendgridEventsOf } from './domain/sendgrid-events';
import {
  dispatchRefOf,
  type FormParams,
  parseFormBody,
  twilioInboundEventOf,
  twilioStatusEventOf,
} from './domain/twilio-events';
import { PROVIDER_EVENT_SINK, type ProviderEventSink } from './provider-event-sink';
import { invalidPayload, rawBodyUnavailable, signatureRejected } from './webhook-http-errors';
import { WebhookSignatureVerifier } from './webhook-signature.verifier';

/** The parts of an express request this controller reads. */
interface WebhookRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Path + query as received, before any Nest prefix stripping. */
  readonly originalUrl: string;
  /** Set by Nest's body parsers when the app is created with `{ rawBody: true }`. */
  readonly rawBody?: Buffer;
  readonly body?: unknown;
}

const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Provider webhooks: authenticate, validate, hand to the sink. Nothing reaches the sink unless the
 * signature holds; logs name the route and the reason, never a body, number or address.
 */
@Controller('webhooks')
export class WebhooksController {
  private readonly logger = new Logger(WebhooksController.name);

  constructor(
    @Inject(WebhookSignatureVerifier) private readonly verifier: WebhookSignatureVerifier,
    @Inject(PROVIDER_EVENT_SINK) private readonly sink: ProviderEventSink,
  ) {}

  @Post('twilio/status')
  @HttpCode(204)
  async twilioStatus(@Req() request: WebhookRequest): Promise<void> {
    const params = this.authenticTwilioParams(request, 'twilio/status');
    const event = validated(() => twilioStatusEventOf(params));
    const dispatchRef = dispatchRefOf(request.originalUrl);
    await this.sink.twilioStatus(dispatchRef ? { ...event, dispatchRef } : event);
  }

  /** Answers empty TwiML: Twilio then sends no automatic reply; replies are sent by dispatch. */
  @Post('twilio/inbound')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  async twilioInbound(@Req() request: WebhookRequest): Promise<string> {
    const params = this.authenticTwilioParams(request, 'twilio/inbound');
    await this.sink.twilioInbound(validated(() => twilioInboundEventOf(params)));
    return EMPTY_TWIML;
  }

  @Post('sendgrid/events')
  @HttpCode(204)
  async sendgridEvents(@Req() request: WebhookRequest): Promise<void> {
    const rawBody = this.rawBodyOf(request);
    const verdict = this.verifier.sendgridVerdict(
      headerOf(request, EventWebhookHeader.SIGNATURE()),
      headerOf(request, EventWebhookHeader.TIMESTAMP()),
      rawBody,
    );
    if (verdict !== 'authentic') {
      this.logger.warn(`sendgrid/events rejected: signature ${verdict}`);
      throw signatureRejected();
    }
    const { events, skippedTypes } = validated(() => sendgridEventsOf(request.body));
    if (skippedTypes.length > 0) {
      this.logger.warn(
        `sendgrid/events: skipped unknown event types ${[...new Set(skippedTypes)].join(', ')}`,
      );
    }
    if (events.length > 0) {
      await this.sink.sendgridEvents(events);
    }
  }

  private authenticTwilioParams(request: WebhookRequest, route: string): FormParams {
    // The raw body, not `request.body`: the extended urlencoded parser turns `a[b]=c` into objects.
    const params = parseFormBody(this.rawBodyOf(request).toString('utf-8'));
    const signature = headerOf(request, TWILIO_SIGNATURE_HEADER);
    if (!this.verifier.isAuthenticTwilioRequest(signature, request.originalUrl, params)) {
      this.logger.warn(`${route} rejected: signature ${signature ? 'forged' : 'missing'}`);
      throw signatureRejected();
    }
    return params;
  }

  private rawBodyOf(request: WebhookRequest): Buffer {
    if (request.rawBody) {
      return request.rawBody;
    }
    if (hasParsedBody(request.body)) {
      // Parsed but not kept raw: the app was not created with `{ rawBody: true }`.
      this.logger.error('webhook body unavailable raw: create the Nest app with { rawBody: true }');
      throw rawBodyUnavailable();
    }
    return Buffer.alloc(0);
  }
}

function validated<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error: unknown) {
    if (error instanceof InvalidWebhookPayloadError) {
      throw invalidPayload(error.message);
    }
    throw error;
  }
}

/** A repeated header is not something a provider sends: treated as absent. */
function headerOf(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

function hasParsedBody(body: unknown): boolean {
  if (body === undefined || body === null) {
    return false;
  }
  return typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length > 0;
}
