import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, ActorSchema, strategyV1, topicCatalogue } from '@clement/contracts';
import type { Outbox } from '@clement/messaging';
import { loadStrategy } from '@clement/strategy-engine';
import type { DataSource } from 'typeorm';
import { StrategyDomainError, StrategyErrorCode } from './domain/strategy-errors';
import type {
  ActivationRecord,
  ActivePointer,
  ChallengerPointer,
  StrategiesRepository,
} from './strategies.repository';
import type { CachedStrategyCatalogue } from './strategy-catalogue';

export interface ActivationOutcome {
  readonly activation: ActivationRecord;
  readonly documentSha256: string;
  /** False when the version was already active: nothing was written. */
  readonly changed: boolean;
}

/**
 * Cases placed while no strategy was active are woken this long after an activation: longer
 * than the catalogue's cache of the active pointer on other replicas, so they see the new one.
 */
const UNASSIGNED_WAKE_DELAY_MS = 2_000;

/**
 * Makes a stored version the tenant's active strategy. The activation, the new pointer and the
 * StrategyVersionActivated event are one transaction; activations of a tenant are serialised.
 */
export class StrategyActivation {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: StrategiesRepository,
    private readonly outbox: Outbox,
    private readonly catalogue: CachedStrategyCatalogue,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async activate(
    tenantId: string,
    strategyId: string,
    version: number,
    activatedBy: string,
  ): Promise<ActivationOutcome> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      await this.repository.lockActivation(manager, tenantId);
      const stored = await this.repository.findVersion(manager, tenantId, strategyId, version);
      if (!stored) {
        throw new StrategyDomainError(
          StrategyErrorCode.VersionNotFound,
          `no version ${version} of strategy ${strategyId}`,
        );
      }
      const current = await this.repository.findActive(manager, tenantId);
      if (current && current.strategyId === strategyId && current.version === version) {
        return {
          activation: activationOf(tenantId, current),
          documentSha256: stored.documentSha256,
          changed: false,
        };
      }
      const challenger = loadStrategy(stored.document, { strategyId, version }).challenger;
      if (challenger) {
        if (challenger.strategyId === strategyId && challenger.version === version) {
          throw new StrategyDomainError(
            StrategyErrorCode.ChallengerInvalid,
            `version ${version} of ${strategyId} names itself as its challenger`,
          );
        }
        const exists = await this.repository.findVersion(
          manager,
          tenantId,
          challenger.strategyId,
          challenger.version,
        );
        if (!exists) {
          throw new StrategyDomainError(
            StrategyErrorCode.ChallengerNotFound,
            `the challenger ${challenger.strategyId} version ${challenger.version} is not stored for this tenant; upload it first`,
          );
        }
      }
      const activation: ActivationRecord = {
        activationId: randomUUID(),
        tenantId,
        strategyId,
        version,
        previous: current ? { strategyId: current.strategyId, version: current.version } : null,
        challenger: challenger ?? null,
        activatedAt: this.clock(),
        activatedBy,
      };
      await this.repository.recordActivation(manager, activation);
      await this.repository.wakeUnassignedCases(
        manager,
        tenantId,
        new Date(activation.activatedAt.getTime() + UNASSIGNED_WAKE_DELAY_MS),
      );
      await this.outbox.append(
        manager,
        topicCatalogue.strategyEvents,
        strategyV1.StrategyVersionActivatedSchema,
        activatedEvent(activation, stored.documentSha256),
        {
          id: activation.activationId,
          tenantId,
          partitionKey: `${tenantId}:${strategyId}`,
          subject: `strategy/${strategyId}`,
          time: activation.activatedAt,
        },
      );
      return { activation, documentSha256: stored.documentSha256, changed: true };
    });
    if (outcome.changed) this.catalogue.forgetActive(tenantId);
    return outcome;
  }

  /** The tenant's active strategy as stored (no cache: this is what auditors and admins read). */
  async active(tenantId: string): Promise<ActivePointer & { documentSha256: string }> {
    const pointer = await this.repository.findActive(this.dataSource, tenantId);
    const stored =
      pointer &&
      (await this.repository.findVersion(
        this.dataSource,
        tenantId,
        pointer.strategyId,
        pointer.version,
      ));
    if (!pointer || !stored) {
      throw new StrategyDomainError(
        StrategyErrorCode.NoActiveStrategy,
        'no strategy is active for this tenant',
      );
    }
    return { ...pointer, documentSha256: stored.documentSha256 };
  }
}

function activationOf(tenantId: string, pointer: ActivePointer): ActivationRecord {
  return {
    activationId: pointer.activationId,
    tenantId,
    strategyId: pointer.strategyId,
    version: pointer.version,
    previous: null,
    challenger: pointer.challenger,
    activatedAt: pointer.activatedAt,
    activatedBy: pointer.activatedBy,
  };
}

function activatedEvent(
  activation: ActivationRecord,
  documentSha256: string,
): strategyV1.StrategyVersionActivated {
  const challenger: ChallengerPointer | null = activation.challenger;
  return create(strategyV1.StrategyVersionActivatedSchema, {
    strategyId: activation.strategyId,
    version: activation.version,
    previousVersion: activation.previous?.version ?? 0,
    // Empty when it replaces an older version of itself (or nothing).
    previousStrategyId:
      activation.previous && activation.previous.strategyId !== activation.strategyId
        ? activation.previous.strategyId
        : '',
    documentSha256,
    challengerStrategyId: challenger?.strategyId ?? '',
    challengerVersion: challenger?.version ?? 0,
    challengerShareBps: challenger?.shareBps ?? 0,
    activatedBy: create(ActorSchema, { kind: ActorKind.STAFF, id: activation.activatedBy }),
    activatedAt: timestampFromDate(activation.activatedAt),
  });
}
