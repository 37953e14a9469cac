import {
  BadRequestException,
  Controller,
  ForbiddenException,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { errorBody } from '@clement/staff-api';
import { WebhookVerificationError } from '../psp/psp-port';
import { PspWebhooks, UnknownPaymentError } from './psp-webhooks';

interface WebhookRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  /** Set by Nest's body parsers when the app is created with `{ rawBody: true }`. */
  readonly rawBody?: Buffer;
}

/**
 * PSP webhooks. No staff token: the PSP's signature over the raw body is the authentication.
 * A body that cannot be read is 400; a forged or stale signature is 403 (one answer for both).
 */
@ApiExcludeController()
@Controller('webhooks/psp')
export class PspWebhooksController {
  private readonly logger = new Logger('PspWebhooks');

  constructor(@Inject(PspWebhooks) private readonly webhooks: PspWebhooks) {}

  @Post(':psp')
  @HttpCode(200)
  async receive(@Param('psp') psp: string, @Req() request: WebhookRequest) {
    if (!this.webhooks.has(psp)) {
      throw new NotFoundException(errorBody(404, 'webhook.unknown_psp', `no PSP named ${psp}`));
    }
    if (!request.rawBody) {
      throw new BadRequestException(errorBody(400, 'webhook.invalid_payload', 'no body'));
    }
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    try {
      const result = await this.webhooks.receive(psp, request.rawBody, headers);
      return { received: true, result };
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        this.logger.warn(`${psp} webhook refused: ${error.reason}`);
        if (error.reason === 'malformed') {
          throw new BadRequestException(
            errorBody(400, 'webhook.invalid_payload', 'The webhook could not be read'),
          );
        }
        throw new ForbiddenException(
          errorBody(
            403,
            'webhook.signature_invalid',
            'The webhook signature is missing, invalid or too old',
          ),
        );
      }
      if (error instanceof UnknownPaymentError) {
        // Not recorded: the PSP retries, and the payment may be known by then.
        throw new NotFoundException(errorBody(404, 'payment.not_found', 'No such payment'));
      }
      throw error;
    }
  }
}
