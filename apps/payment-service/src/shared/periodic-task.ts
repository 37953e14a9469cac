import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Clock } from './clock';

/** Something a scheduler runs: all that is due at `now`; returns how much it did. */
export interface DueWork {
  evaluateDue(now: Date): Promise<number>;
}

/**
 * Runs `work.evaluateDue(clock())` every interval while the application is up (unref'd timer,
 * one run at a time); stops, waiting for a run in progress, at shutdown. 0 disables it.
 */
export class PeriodicTask implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly work: DueWork,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {
    this.logger = new Logger(name);
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick());
    }, this.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      const done = await this.work.evaluateDue(this.clock());
      if (done > 0) this.logger.log(`${this.name}: ${done} handled`);
    } catch (error: unknown) {
      // The next tick retries: nothing due is marked done unless its transaction committed.
      this.logger.error(
        `${this.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
