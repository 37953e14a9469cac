import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { SimResponse } from '../http';

export const HANG_MS = Symbol('HANG_MS');

/** Requests in `timeout` mode: never answered; the connection is dropped later or at shutdown. */
@Injectable()
export class HungRequests implements OnApplicationShutdown {
  private readonly held = new Set<SimResponse>();

  constructor(@Inject(HANG_MS) private readonly hangMs: number) {}

  hold(res: SimResponse): void {
    this.held.add(res);
    const timer = setTimeout(() => this.drop(res), this.hangMs);
    timer.unref();
    res.on('close', () => {
      clearTimeout(timer);
      this.held.delete(res);
    });
  }

  onApplicationShutdown(): void {
    for (const res of this.held) this.drop(res);
  }

  private drop(res: SimResponse): void {
    this.held.delete(res);
    res.socket?.destroy();
  }
}
