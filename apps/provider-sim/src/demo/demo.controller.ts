import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { SimResponse } from '../http';
import { SimState } from '../sim-state';
import { renderDemoPage } from './demo-page';

@Controller()
export class DemoController {
  constructor(@Inject(SimState) private readonly state: SimState) {}

  @Get()
  page(@Res() res: SimResponse): void {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(renderDemoPage(this.state.list()));
  }
}
