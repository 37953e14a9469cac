import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { IdempotencyRepository } from '../persistence/idempotency.repository';
import type { IdempotencySettings } from './idempotency-settings';
import { IDEMPOTENCY_REPOSITORY, IDEMPOTENCY_SETTINGS } from './idempotency.tokens';

/** Deletes expired keys every `purgeIntervalMs` while the application is up; 0 disables it. */
@Injectable()
export class IdempotencyPurgeScheduler
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('IdempotencyPurge');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(IDEMPOTENCY_REPOSITORY) private readonly repository: IdempotencyRepository,
    @Inject(IDEMPOTENCY_SETTINGS) private readonly settings: IdempotencySettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.purgeIntervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.purgeOnce());
    }, this.settings.purgeIntervalMs);
    // Never keeps the process alive on its own.
    this.timer.unref();
  }

  /** Before TypeORM closes the DataSource (in onApplicationShutdown): no purge runs after. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One purge; a failure is logged and the next tick tries again. */
  async purgeOnce(): Promise<void> {
    try {
      const purged = await this.repository.purgeExpired(this.settings.clock());
      if (purged > 0) this.logger.log(`purged ${purged} expired idempotency key(s)`);
    } catch (error: unknown) {
      this.logger.error(
        `purging expired idempotency keys failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
