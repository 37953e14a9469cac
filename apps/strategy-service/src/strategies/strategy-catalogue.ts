import {
  type ActiveStrategy,
  type CompiledStrategy,
  loadStrategy,
  type StrategyRef,
} from '@clement/strategy-engine';
import { LruMap } from './domain/lru-map';
import type { ActivePointer, SqlRunner, StrategiesRepository } from './strategies.repository';

export const STRATEGY_CATALOGUE = Symbol('clement.strategy.catalogue');

/** The compiled strategies the engine runs, per tenant. */
export interface StrategyCatalogue {
  /**
   * The tenant's active strategy (champion, and challenger with its share when the champion
   * names one); undefined when none is active. May lag an activation by up to the catalogue's
   * active-pointer TTL (1 s by default) on instances other than the one that activated.
   */
  active(tenantId: string): Promise<ActiveStrategy | undefined>;
  /** Any stored version, compiled; undefined when the tenant has no such version. */
  version(tenantId: string, ref: StrategyRef): Promise<CompiledStrategy | undefined>;
}

export interface StrategyCatalogueOptions {
  /** Compiled versions kept in memory (default 500); versions never change, so never stale. */
  readonly maxCompiledVersions?: number;
  /** How long a tenant's active pointer is reused before it is read again (default 1,000 ms). */
  readonly activePointerTtlMs?: number;
  readonly now?: () => number;
}

/**
 * Reads versions from the store and compiles each once: a stored version is immutable, so its
 * compiled form is cached (bounded LRU). The active pointer is cached for at most
 * `activePointerTtlMs`, and dropped at once on this instance when it activates a version.
 */
export class CachedStrategyCatalogue implements StrategyCatalogue {
  private readonly compiled: LruMap<string, CompiledStrategy>;
  private readonly pointers: LruMap<string, { pointer: ActivePointer | undefined; until: number }>;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: SqlRunner,
    private readonly repository: StrategiesRepository,
    options: StrategyCatalogueOptions = {},
  ) {
    this.compiled = new LruMap(options.maxCompiledVersions ?? 500);
    this.pointers = new LruMap(10_000);
    this.ttlMs = options.activePointerTtlMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  async active(tenantId: string): Promise<ActiveStrategy | undefined> {
    const pointer = await this.activePointer(tenantId);
    if (!pointer) return undefined;
    const champion = await this.version(tenantId, pointer);
    if (!champion) return undefined;
    const challenger = pointer.challenger;
    if (!challenger) return { champion };
    const compiledChallenger = await this.version(tenantId, challenger);
    return compiledChallenger
      ? {
          champion,
          challenger: { strategy: compiledChallenger, shareBps: challenger.shareBps },
        }
      : { champion };
  }

  async version(tenantId: string, ref: StrategyRef): Promise<CompiledStrategy | undefined> {
    const key = `${tenantId}\u0000${ref.strategyId}\u0000${ref.version}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const stored = await this.repository.findVersion(
      this.db,
      tenantId,
      ref.strategyId,
      ref.version,
    );
    if (!stored) return undefined;
    const strategy = loadStrategy(stored.document, {
      strategyId: stored.strategyId,
      version: stored.version,
    });
    this.compiled.set(key, strategy);
    return strategy;
  }

  /** A compiled version already in memory, without I/O (for callers that cannot wait). */
  cachedVersion(tenantId: string, ref: StrategyRef): CompiledStrategy | undefined {
    return this.compiled.get(`${tenantId}\u0000${ref.strategyId}\u0000${ref.version}`);
  }

  /** Called after this instance changes the tenant's active strategy. */
  forgetActive(tenantId: string): void {
    this.pointers.delete(tenantId);
  }

  private async activePointer(tenantId: string): Promise<ActivePointer | undefined> {
    const now = this.now();
    const cached = this.pointers.get(tenantId);
    if (cached && cached.until > now) return cached.pointer;
    const pointer = await this.repository.findActive(this.db, tenantId);
    this.pointers.set(tenantId, { pointer, until: now + this.ttlMs });
    return pointer;
  }
}
