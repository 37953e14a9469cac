import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { hasBearerToken, sendJson, type SimRequest, type SimResponse } from '../http';
import { SendGridSimulator } from './sendgrid-simulator';

export const SENDGRID_API_KEY = Symbol('SENDGRID_API_KEY');

/** SendGrid v3 `POST /v3/mail/send`, as `@sendgrid/mail` calls it. */
@Controller('v3')
export class SendGridController {
  constructor(
    @Inject(SendGridSimulator) private readonly sendgrid: SendGridSimulator,
    @Inject(SENDGRID_API_KEY) private readonly apiKey: string,
  ) {}

  @Post('mail/send')
  send(@Req() req: SimRequest, @Res() res: SimResponse): void {
    if (!hasBearerToken(req.headers.authorization, this.apiKey)) {
      sendJson(res, 401, {
        errors: [
          {
            message: 'The provided authorization grant is invalid, expired, or revoked',
            field: null,
            help: null,
          },
        ],
      });
      return;
    }
    const result = this.sendgrid.send(req.body);
    if (result.kind === 'error') {
      sendJson(res, result.status, result.body);
      return;
    }
    res.statusCode = 202;
    res.setHeader('X-Message-Id', result.messageId);
    res.end();
  }
}
