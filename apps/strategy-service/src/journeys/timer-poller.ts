import {
  type BeforeApplicationShutdown,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AdvanceJourney } from './advance-journey.use-case';
import type { Clock } from './clock';
import type { JourneysRepository } from './journeys.repository';

export interface TimerPollerOptions {
  intervalMs: number;
  batchSize: number;
  /** How long a journey whose wake-up threw waits before the next try. */
  retryDelayMs: number;
  /** Tests start rounds themselves; default true. */
  autoStart?: boolean;
}

export interface TimerRound {
  claimed: number;
  fired: number;
  failed: number;
}

/**
 * Fires due timers. One transaction per batch claims them (FOR UPDATE SKIP LOCKED), locks their
 * journeys without waiting, runs the engine and deletes or moves each timer: a second instance
 * skips what this one holds, so every timer fires once, and a crash rolls the batch back whole.
 */
export class TimerPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TimerPoller');
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private firedSoFar = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly journeys: JourneysRepository,
    private readonly advance: AdvanceJourney,
    private readonly clock: Clock,
    private readonly options: TimerPollerOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.autoStart ?? true) this.start();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.current;
  }

  /** Timers this instance fired since it started (committed rounds only). */
  get fired(): number {
    return this.firedSoFar;
  }

  /** One batch: due timers claimed, fired and removed or moved, in one transaction. */
  async runOnce(): Promise<TimerRound> {
    const now = this.clock().getTime();
    const round = await this.dataSource.transaction(async (db) => {
      const due = await this.journeys.claimDueTimers(db, now, this.options.batchSize);
      const round: TimerRound = { claimed: due.length, fired: 0, failed: 0 };
      // A journey another transaction holds (an event for it) is left for the next round.
      const report = await this.advance.onWake(db, await this.journeys.lockUnlessBusy(db, due));
      round.fired = report.fired;
      round.failed = report.failed.length;
      for (const { journey, error } of report.failed) {
        // One broken journey must not hold back the others: it is tried again later.
        this.logger.error(
          `wake-up of case ${journey.caseId} (tenant ${journey.tenantId}) failed: ${(error as Error).message}`,
        );
        await this.journeys.setTimer(
          db,
          journey.tenantId,
          journey.caseId,
          now + this.options.retryDelayMs,
        );
      }
      return round;
    });
    this.firedSoFar += round.fired;
    return round;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.current = this.round();
    }, delayMs);
  }

  private async round(): Promise<void> {
    let full = false;
    try {
      const round = await this.runOnce();
      full = round.claimed >= this.options.batchSize;
    } catch (error: unknown) {
      this.logger.error(`timer round failed: ${(error as Error).message}`);
    }
    // Straight on while a full batch says more are due, else wait for the next tick.
    this.schedule(full ? 0 : this.options.intervalMs);
  }
}
