import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { SimResponse } from '../http';
import { PspState } from '../psp/psp-state';
import { SimState } from '../sim-state';
import { renderDemoPage } from './demo-page';

@Controller()
export class DemoController {
  constructor(
    @Inject(SimState) private readonly state: SimState,
    @Inject(PspState) private readonly psp: PspState,
  ) {}

  @Get()
  page(@Res() res: SimResponse): void {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(
      renderDemoPage(this.state.list(), {
        intents: this.psp.ledger.listIntents(),
        mandates: this.psp.ledger.listMandates(),
      }),
    );
  }
}
