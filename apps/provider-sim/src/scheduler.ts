import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs delayed background work (callbacks, events) and stops all of it when the app closes. */
@Injectable()
export class Scheduler implements OnApplicationShutdown {
  private readonly logger = new Logger(Scheduler.name);
  private readonly stop = new AbortController();

  /** Runs `task` in the background; `wait` pauses inside it and throws once shutting down. */
  run(task: (wait: (ms: number) => Promise<void>) => Promise<void>): void {
    const wait = (ms: number): Promise<void> => sleep(ms, undefined, { signal: this.stop.signal });
    task(wait).catch((error: unknown) => {
      if (!this.stop.signal.aborted) {
        this.logger.error({ err: error }, 'background task failed');
      }
    });
  }

  get stopping(): AbortSignal {
    return this.stop.signal;
  }

  onApplicationShutdown(): void {
    this.stop.abort();
  }
}
