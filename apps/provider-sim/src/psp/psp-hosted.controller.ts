import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { bodyOf, type SimRequest, type SimResponse } from '../http';
import type { PspFailure } from './domain/psp-objects';
import { parseThreeDsResult } from './domain/psp-requests';
import {
  renderAuthenticationPage,
  renderMandatePage,
  renderNoticePage,
  renderPaymentPage,
  returnUrlWith,
} from './hosted/hosted-pages';
import { seeOther, sendHtml } from './psp-http';
import { PspSandbox } from './psp-sandbox';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The pages the debtor's browser is sent to: pay by card (with 3-D Secure) and set up a mandate. */
@Controller('psp')
export class PspHostedController {
  constructor(@Inject(PspSandbox) private readonly sandbox: PspSandbox) {}

  @Get('pay/:id')
  paymentPage(@Param('id') id: string, @Res() res: SimResponse): void {
    const found = this.sandbox.intent(id);
    if (!found.ok) return this.problem(res, found.failure);
    const intent = found.value;
    switch (intent.status) {
      case 'requires_payment_method':
        return sendHtml(res, 200, renderPaymentPage(intent, intent.last_payment_error?.message));
      case 'requires_action':
        return seeOther(res, `/psp/pay/${encodeURIComponent(id)}/authenticate`);
      case 'succeeded':
      case 'canceled':
        return sendHtml(
          res,
          200,
          renderNoticePage(`Payment ${intent.status}`, 'There is nothing more to do here.', {
            href: returnUrlWith(intent.return_url, { payment_intent: id, status: intent.status }),
            text: 'Go back',
          }),
        );
    }
  }

  @Post('pay/:id')
  pay(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    const result = this.sandbox.confirmIntent(id, text(bodyOf(req)['card_number']));
    if (!result.ok) {
      const current = this.sandbox.intent(id);
      if (result.failure.code === 'invalid_number' && current.ok) {
        return sendHtml(res, 400, renderPaymentPage(current.value, result.failure.message));
      }
      return this.problem(res, result.failure);
    }
    const intent = result.value;
    if (intent.status === 'requires_action') {
      return seeOther(res, `/psp/pay/${encodeURIComponent(id)}/authenticate`);
    }
    seeOther(res, returnUrlWith(intent.return_url, { payment_intent: id, status: intent.status }));
  }

  @Get('pay/:id/authenticate')
  challengePage(@Param('id') id: string, @Res() res: SimResponse): void {
    const found = this.sandbox.intent(id);
    if (!found.ok) return this.problem(res, found.failure);
    if (found.value.status !== 'requires_action') {
      return seeOther(res, `/psp/pay/${encodeURIComponent(id)}`);
    }
    sendHtml(res, 200, renderAuthenticationPage(found.value));
  }

  @Post('pay/:id/authenticate')
  authenticate(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    const answer = parseThreeDsResult(bodyOf(req)['result'], 'result');
    if (!answer.ok) return this.problem(res, answer.failure);
    const result = this.sandbox.authenticateIntent(id, answer.value);
    if (!result.ok) return this.problem(res, result.failure);
    const intent = result.value;
    seeOther(res, returnUrlWith(intent.return_url, { payment_intent: id, status: intent.status }));
  }

  @Get('mandate/:id')
  mandatePage(@Param('id') id: string, @Res() res: SimResponse): void {
    const found = this.sandbox.mandate(id);
    if (!found.ok) return this.problem(res, found.failure);
    const mandate = found.value;
    if (mandate.status === 'pending') return sendHtml(res, 200, renderMandatePage(mandate));
    sendHtml(
      res,
      200,
      renderNoticePage(`Direct debit ${mandate.status}`, 'There is nothing more to do here.', {
        href: returnUrlWith(mandate.return_url, { mandate: id, status: mandate.status }),
        text: 'Go back',
      }),
    );
  }

  @Post('mandate/:id')
  setUpMandate(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    const result = this.sandbox.confirmMandate(id, text(bodyOf(req)['iban']));
    if (!result.ok) {
      const current = this.sandbox.mandate(id);
      if (result.failure.code === 'invalid_iban' && current.ok) {
        return sendHtml(res, 400, renderMandatePage(current.value, result.failure.message));
      }
      return this.problem(res, result.failure);
    }
    const mandate = result.value;
    seeOther(res, returnUrlWith(mandate.return_url, { mandate: id, status: mandate.status }));
  }

  private problem(res: SimResponse, failure: PspFailure): void {
    const title = failure.status === 404 ? 'Not found' : 'Cannot do that';
    sendHtml(res, failure.status, renderNoticePage(title, failure.message));
  }
}
