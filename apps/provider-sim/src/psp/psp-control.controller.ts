import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { bodyOf, sendJson, type SimRequest, type SimResponse } from '../http';
import { eventView } from './domain/psp-event-log';
import { refused } from './domain/psp-objects';
import {
  parseDispute,
  parseNextCollection,
  parseRedeliverTimes,
  parseThreeDsResult,
} from './domain/psp-requests';
import { errorBody, sendResult } from './psp-http';
import { PspSandbox } from './psp-sandbox';
import { PspState } from './psp-state';
import { PspWebhooks } from './psp-webhooks';

/** The sandbox PSP's control API, for tests and demos: plays the debtor, the bank and the network. */
@Controller('psp/control')
export class PspControlController {
  constructor(
    @Inject(PspSandbox) private readonly sandbox: PspSandbox,
    @Inject(PspState) private readonly psp: PspState,
    @Inject(PspWebhooks) private readonly webhooks: PspWebhooks,
  ) {}

  /** `{ card_number, three_ds?: "approve" | "deny" }`: as if the debtor paid on the hosted page. */
  @Post('payment_intents/:id/confirm')
  confirmIntent(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    const body = bodyOf(req);
    const cardNumber = typeof body['card_number'] === 'string' ? body['card_number'] : undefined;
    if (body['three_ds'] === undefined) {
      return sendResult(res, this.sandbox.confirmIntentAs(id, cardNumber, undefined));
    }
    const threeDs = parseThreeDsResult(body['three_ds'], 'three_ds');
    sendResult(
      res,
      threeDs.ok ? this.sandbox.confirmIntentAs(id, cardNumber, threeDs.value) : threeDs,
    );
  }

  /** `{ reason?: "fraudulent", amount? }`: the debtor's bank disputes the payment. */
  @Post('payment_intents/:id/dispute')
  dispute(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    const input = parseDispute(bodyOf(req));
    sendResult(res, input.ok ? this.sandbox.dispute(id, input.value) : input);
  }

  /** The bank could not pay a refund out: refund.failed. */
  @Post('refunds/:id/fail')
  failRefund(@Param('id') id: string, @Res() res: SimResponse): void {
    sendResult(res, this.sandbox.failRefund(id));
  }

  /** `{ iban? }`: as if the debtor filled in the hosted mandate page. */
  @Post('mandates/:id/confirm')
  confirmMandate(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    const iban = bodyOf(req)['iban'];
    sendResult(res, this.sandbox.confirmMandate(id, typeof iban === 'string' ? iban : undefined));
  }

  @Post('mandates/:id/bank-cancel')
  bankCancel(@Param('id') id: string, @Res() res: SimResponse): void {
    sendResult(res, this.sandbox.cancelMandate(id, 'bank_cancelled'));
  }

  /** `{ outcome: "succeed" | "fail" | "return", reason? }` for the mandate's next collection. */
  @Post('mandates/:id/next-collection')
  nextCollection(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    const input = parseNextCollection(bodyOf(req));
    sendResult(res, input.ok ? this.sandbox.setNextCollectionOutcome(id, input.value) : input);
  }

  /** `{ times }`: the same event (id and body) again, each freshly signed; answers the statuses. */
  @Post('events/:id/redeliver')
  async redeliver(
    @Param('id') id: string,
    @Req() req: SimRequest,
    @Res() res: SimResponse,
  ): Promise<void> {
    const record = this.psp.events.find(id);
    if (!record) return sendResult(res, refused(404, 'resource_missing', `No such event: '${id}'`));
    const times = parseRedeliverTimes(bodyOf(req));
    if (!times.ok) return sendResult(res, times);
    const statuses = await this.webhooks.redeliver(record, times.value);
    if (statuses === 'no_url') {
      return sendJson(
        res,
        409,
        errorBody({ code: 'webhook_url_not_set', message: 'Set PSP_WEBHOOK_URL first.' }),
      );
    }
    sendJson(res, 200, { id, statuses });
  }

  /** Events sent, oldest first, with their delivery attempts. */
  @Get('events')
  events(
    @Query('type') type: string | undefined,
    @Query('payment_id') paymentId: string | undefined,
    @Query('mandate_id') mandateId: string | undefined,
    @Res() res: SimResponse,
  ): void {
    const events = this.psp.events.list({ type, paymentId, mandateId }).map(eventView);
    sendJson(res, 200, { events });
  }
}
