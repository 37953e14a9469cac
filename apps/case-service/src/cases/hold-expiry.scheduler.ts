import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HoldExpiry } from './hold-expiry';

export const HOLD_EXPIRY_INTERVAL_MS = Symbol('clement.case.hold-expiry-interval-ms');

/** Runs HoldExpiry every interval while the application is up; 0 disables it. */
@Injectable()
export class HoldExpiryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HoldExpiryScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(HoldExpiry) private readonly expiry: HoldExpiry,
    @Inject(HOLD_EXPIRY_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick());
    }, this.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      let lifted: number;
      do {
        lifted = await this.expiry.liftDue();
        if (lifted > 0) this.logger.log(`lifted ${lifted} expired hold(s)`);
      } while (lifted > 0);
    } catch (error: unknown) {
      // The next tick retries; the holds stay due.
      this.logger.error(
        `hold expiry failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
