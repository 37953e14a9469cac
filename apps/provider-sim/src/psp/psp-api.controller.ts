import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { bodyOf, hasBearerToken, sendJson, type SimRequest, type SimResponse } from '../http';
import { requestFingerprint, type StoredResponse } from './domain/idempotency';
import { succeeded } from './domain/psp-objects';
import {
  parseCreateCollection,
  parseCreateIntent,
  parseCreateMandate,
  parseCreateRefund,
  parseUpdateMandate,
} from './domain/psp-requests';
import { errorBody, responseOf, sendResult } from './psp-http';
import { PspSandbox } from './psp-sandbox';
import { PspState } from './psp-state';

export const PSP_SECRET_KEY = Symbol('PSP_SECRET_KEY');

/** The sandbox PSP's REST API (`/psp/v1`): Bearer secret key, JSON, Idempotency-Key on POSTs. */
@Controller('psp/v1')
export class PspApiController {
  constructor(
    @Inject(PspSandbox) private readonly sandbox: PspSandbox,
    @Inject(PspState) private readonly psp: PspState,
    @Inject(PSP_SECRET_KEY) private readonly secretKey: string,
  ) {}

  @Post('payment_intents')
  createIntent(@Req() req: SimRequest, @Res() res: SimResponse): void {
    this.post(req, res, (body) => {
      const input = parseCreateIntent(body);
      return responseOf(input.ok ? succeeded(this.sandbox.createIntent(input.value)) : input);
    });
  }

  @Get('payment_intents/:id')
  intent(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    if (this.authorized(req, res)) sendResult(res, this.sandbox.intent(id));
  }

  @Post('refunds')
  refund(@Req() req: SimRequest, @Res() res: SimResponse): void {
    this.post(req, res, (body) => {
      const input = parseCreateRefund(body);
      return responseOf(input.ok ? this.sandbox.createRefund(input.value) : input);
    });
  }

  @Post('mandates')
  createMandate(@Req() req: SimRequest, @Res() res: SimResponse): void {
    this.post(req, res, (body) => {
      const input = parseCreateMandate(body);
      return responseOf(input.ok ? succeeded(this.sandbox.createMandate(input.value)) : input);
    });
  }

  @Get('mandates/:id')
  mandate(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    if (this.authorized(req, res)) sendResult(res, this.sandbox.mandate(id));
  }

  @Post('mandates/:id')
  updateMandate(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    this.post(req, res, (body) => {
      const input = parseUpdateMandate(body);
      return responseOf(
        input.ok ? this.sandbox.changeCollectionDay(id, input.value.collectionDay) : input,
      );
    });
  }

  @Post('mandates/:id/cancel')
  cancelMandate(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    this.post(req, res, () => responseOf(this.sandbox.cancelMandate(id, 'debtor_request')));
  }

  @Post('collections')
  createCollection(@Req() req: SimRequest, @Res() res: SimResponse): void {
    this.post(req, res, (body) => {
      const input = parseCreateCollection(body);
      return responseOf(input.ok ? this.sandbox.createCollection(input.value) : input);
    });
  }

  @Get('collections/:id')
  collection(@Param('id') id: string, @Req() req: SimRequest, @Res() res: SimResponse): void {
    if (this.authorized(req, res)) sendResult(res, this.sandbox.collection(id));
  }

  /** Authenticates, then replays, refuses or runs the request under its Idempotency-Key. */
  private post(
    req: SimRequest,
    res: SimResponse,
    run: (body: Record<string, unknown>) => StoredResponse,
  ): void {
    if (!this.authorized(req, res)) return;
    const body = bodyOf(req);
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') {
      const response = run(body);
      sendJson(res, response.status, response.body);
      return;
    }
    const fingerprint = requestFingerprint('POST', (req.url ?? '').split('?')[0] ?? '', body);
    const found = this.psp.idempotency.lookup(key, fingerprint);
    switch (found.kind) {
      case 'replay':
        sendJson(res, found.response.status, found.response.body, {
          'Idempotent-Replayed': 'true',
        });
        return;
      case 'reused':
        sendJson(
          res,
          422,
          errorBody({
            code: 'idempotency_key_reused',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with (key ${key}).`,
          }),
        );
        return;
      case 'new': {
        const response = run(body);
        this.psp.idempotency.save(key, fingerprint, response);
        sendJson(res, response.status, response.body);
        return;
      }
    }
  }

  private authorized(req: SimRequest, res: SimResponse): boolean {
    if (hasBearerToken(req.headers.authorization, this.secretKey)) return true;
    sendJson(
      res,
      401,
      errorBody({ code: 'unauthorized', message: 'Invalid API key: use Bearer <PSP_SECRET_KEY>.' }),
    );
    return false;
  }
}
