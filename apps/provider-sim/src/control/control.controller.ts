import { Controller, Get, Inject, Post, Put, Query, Req, Res } from '@nestjs/common';
import { isTwilioErrorMode } from '../domain/error-modes';
import { applySettingsPatch } from '../domain/settings';
import { bodyOf, sendJson, type SimRequest, type SimResponse } from '../http';
import { PspState } from '../psp/psp-state';
import { SendGridSimulator } from '../sendgrid/sendgrid-simulator';
import { SimState } from '../sim-state';
import { TwilioSimulator } from '../twilio/twilio-simulator';

/** The simulator's own control API, for tests and demos; not part of any provider's API. */
@Controller('sim')
export class ControlController {
  constructor(
    @Inject(SimState) private readonly state: SimState,
    @Inject(TwilioSimulator) private readonly twilio: TwilioSimulator,
    @Inject(SendGridSimulator) private readonly sendgrid: SendGridSimulator,
    @Inject(PspState) private readonly psp: PspState,
  ) {}

  @Get('config')
  config(@Res() res: SimResponse): void {
    sendJson(res, 200, this.snapshot());
  }

  @Put('config')
  updateConfig(@Req() req: SimRequest, @Res() res: SimResponse): void {
    const result = applySettingsPatch(this.state.settings, req.body);
    if (!result.ok) {
      sendJson(res, 400, { problems: result.problems });
      return;
    }
    this.state.settings = result.settings;
    sendJson(res, 200, this.snapshot());
  }

  /** `{ "mode": "rate-limited" | … | null, "to"?: "+34…", "remaining"?: 3 }`; no `to` = global. */
  @Put('twilio/error-mode')
  errorMode(@Req() req: SimRequest, @Res() res: SimResponse): void {
    const body = bodyOf(req);
    const { mode, to, remaining } = body;
    const problems: string[] = [];
    if (mode !== null && !isTwilioErrorMode(mode))
      problems.push('mode: must be an error mode or null');
    if (to !== undefined && (typeof to !== 'string' || to === ''))
      problems.push('to: must be a phone address');
    if (
      remaining !== undefined &&
      !(typeof remaining === 'number' && Number.isInteger(remaining) && remaining > 0)
    ) {
      problems.push('remaining: must be a positive integer');
    }
    if (problems.length > 0) {
      sendJson(res, 400, { problems });
      return;
    }
    const rule = isTwilioErrorMode(mode)
      ? { mode, ...(typeof remaining === 'number' ? { remaining } : {}) }
      : undefined;
    if (typeof to === 'string') {
      this.state.errorModes.setForDestination(to, rule);
    } else {
      this.state.errorModes.setGlobal(rule);
    }
    sendJson(res, 200, this.state.errorModes.snapshot());
  }

  /** `{ "from": "+34…", "to": "+1…", "body": "STOP", "url"?: "…" }`: a reply from a simulated phone. */
  @Post('twilio/inbound')
  async inbound(@Req() req: SimRequest, @Res() res: SimResponse): Promise<void> {
    const { from, to, body, url } = bodyOf(req);
    const target = typeof url === 'string' ? url : this.state.settings.inboundWebhookUrl;
    if (typeof from !== 'string' || typeof to !== 'string' || typeof body !== 'string' || !target) {
      sendJson(res, 400, {
        problems: [
          'from, to and body are required strings; url is required unless INBOUND_WEBHOOK_URL is set',
        ],
      });
      return;
    }
    const result = await this.twilio.injectInbound({ from, to, body, url: target });
    sendJson(res, 200, {
      sid: result.sid,
      webhookStatus: result.webhook?.status ?? null,
      webhookBody: result.webhook?.body ?? null,
    });
  }

  @Get('sendgrid/public-key')
  publicKey(@Res() res: SimResponse): void {
    sendJson(res, 200, { publicKey: this.sendgrid.publicKey() });
  }

  @Get('messages')
  messages(
    @Query('to') to: string | undefined,
    @Query('channel') channel: string | undefined,
    @Res() res: SimResponse,
  ): void {
    sendJson(res, 200, { messages: this.state.list({ to, channel }) });
  }

  /** Per destination (`To`): Twilio create requests received and messages created. */
  @Get('stats')
  stats(@Res() res: SimResponse): void {
    sendJson(res, 200, this.state.stats());
  }

  /** Forgets messages, error modes and sandbox PSP state and restores the boot settings. */
  @Post('reset')
  reset(@Res() res: SimResponse): void {
    this.state.reset();
    this.psp.reset();
    sendJson(res, 200, this.snapshot());
  }

  private snapshot(): Record<string, unknown> {
    return {
      seed: this.state.seed,
      ...this.state.settings,
      errorModes: this.state.errorModes.snapshot(),
    };
  }
}
