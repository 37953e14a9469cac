import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { bodyOf, sendJson, type SimRequest, type SimResponse } from '../http';
import { HungRequests } from './hung-requests';
import { listMessages } from './message-list';
import { TwilioCredentials } from './twilio-credentials';
import { twilioError } from './twilio-format';
import { TwilioSimulator } from './twilio-simulator';

/** The slice of the Twilio REST API the `twilio` SDK uses to send and fetch messages. */
@Controller('2010-04-01/Accounts/:accountSid')
export class TwilioController {
  constructor(
    @Inject(TwilioSimulator) private readonly twilio: TwilioSimulator,
    @Inject(TwilioCredentials) private readonly credentials: TwilioCredentials,
    @Inject(HungRequests) private readonly hung: HungRequests,
  ) {}

  @Post('Messages.json')
  create(
    @Param('accountSid') accountSid: string,
    @Req() req: SimRequest,
    @Res() res: SimResponse,
  ): void {
    if (!this.authenticated(req, res, accountSid)) return;
    const result = this.twilio.createMessage(accountSid, bodyOf(req));
    switch (result.kind) {
      case 'created':
        sendJson(res, 201, result.body);
        return;
      case 'error':
        sendJson(res, result.body.status, result.body);
        return;
      case 'hang':
        this.hung.hold(res);
        return;
    }
  }

  @Get('Messages.json')
  list(
    @Param('accountSid') accountSid: string,
    @Req() req: SimRequest,
    @Res() res: SimResponse,
  ): void {
    if (!this.authenticated(req, res, accountSid)) return;
    const query = new URL(req.url ?? '/', 'http://sim.invalid').searchParams;
    const result = listMessages(accountSid, this.twilio.listMessages(accountSid), query);
    sendJson(res, result.status, result.body);
  }

  @Get('Messages/:sid.json')
  fetch(
    @Param('accountSid') accountSid: string,
    @Param('sid') sid: string,
    @Req() req: SimRequest,
    @Res() res: SimResponse,
  ): void {
    if (!this.authenticated(req, res, accountSid)) return;
    const message = this.twilio.getMessage(sid);
    if (message) {
      sendJson(res, 200, message);
    } else {
      sendJson(
        res,
        404,
        twilioError(
          404,
          20404,
          `The requested resource /2010-04-01/Accounts/${accountSid}/Messages/${sid}.json was not found`,
        ),
      );
    }
  }

  private authenticated(req: SimRequest, res: SimResponse, accountSid: string): boolean {
    if (this.credentials.accepts(req.headers.authorization, accountSid)) return true;
    sendJson(res, 401, twilioError(401, 20003, 'Authenticate'), {
      'WWW-Authenticate': 'Basic realm="Twilio API"',
    });
    return false;
  }
}
