import type { SqlRunner } from '../persistence/sql-runner';
import type { TenantScope } from '../tenancy/tenant-scope';
import type { ContactProjectionRepository } from './contact-projection.repository';
import type {
  ContactPointRecord,
  DebtorProjection,
  HoldRecord,
  VulnerabilityRecord,
} from './domain/debtor-projection';

/** What the projection needs from its storage (ContactProjectionRepository in production). */

/** What else must forget an erased debtor, in the erasure's transaction. */
export type DebtorErasureHook = (
  db: SqlRunner,
  scope: TenantScope,
  debtorId: string,
) => Promise<void>;

/** Nest token of the DebtorErasureHook (provided by the sending module). */
export const DEBTOR_ERASURE_HOOK = Symbol('DEBTOR_ERASURE_HOOK');

export type ContactProjectionStore = Pick<
  ContactProjectionRepository,
  | 'debtor'
  | 'upsertDebtor'
  | 'markErased'
  | 'replaceContactPoints'
  | 'deleteContactPoints'
  | 'upsertHold'
  | 'liftHold'
  | 'replaceVulnerability'
  | 'upsertCaseStatus'
  | 'recordPayment'
  | 'projection'
>;

export type ChangeOutcome = 'applied' | 'ignored';

/**
 * Keeps dispatch's view of each debtor current from case events: where to reach them (encrypted),
 * holds, vulnerability and case states. Every change is a replacement or an upsert, so handling
 * an event twice leaves the same rows.
 */
export class ContactProjection {
  /**
   * @param onErased runs in the same transaction when a debtor is erased, for what other parts
   *   of dispatch keep about them (the reply address index, cached addresses).
   */
  constructor(
    private readonly store: ContactProjectionStore,
    private readonly onErased: DebtorErasureHook = async () => undefined,
  ) {}

  /** The complete set replaces the previous one; nothing is kept for an erased debtor. */
  async contactPointsChanged(
    db: SqlRunner,
    scope: TenantScope,
    change: { debtorId: string; contactPoints: ContactPointRecord[]; preferredLanguage?: string },
  ): Promise<ChangeOutcome> {
    const debtor = await this.store.debtor(db, scope, change.debtorId);
    if (debtor?.erasedAt) {
      return 'ignored';
    }
    await this.store.upsertDebtor(db, scope, change.debtorId, change.preferredLanguage);
    await this.store.replaceContactPoints(db, scope, change.debtorId, change.contactPoints);
    return 'applied';
  }

  async holdPlaced(
    db: SqlRunner,
    scope: TenantScope,
    placed: { debtorId: string; hold: HoldRecord },
  ): Promise<ChangeOutcome> {
    await this.store.upsertHold(db, scope, placed.debtorId, placed.hold);
    return 'applied';
  }

  async holdLifted(
    db: SqlRunner,
    scope: TenantScope,
    lift: { debtorId: string; caseId: string; holdId: string; liftedAt: Date },
  ): Promise<ChangeOutcome> {
    await this.store.liftHold(db, scope, lift);
    return 'applied';
  }

  /** The complete current set; an empty one clears the flag. */
  async vulnerabilityFlagged(
    db: SqlRunner,
    scope: TenantScope,
    flagged: { debtorId: string; vulnerability: VulnerabilityRecord },
  ): Promise<ChangeOutcome> {
    await this.store.replaceVulnerability(db, scope, flagged.debtorId, flagged.vulnerability);
    return 'applied';
  }

  async caseStatusChanged(
    db: SqlRunner,
    scope: TenantScope,
    state: { caseId: string; debtorId: string; status: string },
  ): Promise<ChangeOutcome> {
    await this.store.upsertCaseStatus(db, scope, state);
    return 'applied';
  }

  /** A reversal does not undo "a payment arrived": reminders stay cancelled until re-planned. */
  async creditorPaymentReported(
    db: SqlRunner,
    scope: TenantScope,
    payment: { caseId: string; debtorId: string; paidAt: Date; reversed: boolean },
  ): Promise<ChangeOutcome> {
    if (payment.reversed) {
      return 'ignored';
    }
    await this.store.recordPayment(db, scope, payment);
    return 'applied';
  }

  /**
   * The addresses are unreadable once the debtor's key is destroyed; dropping the ciphertexts is
   * what docs/adr/0011 asks of consumers. Holds, vulnerability and case states carry no PII.
   */
  async debtorErased(
    db: SqlRunner,
    scope: TenantScope,
    erased: { debtorId: string; erasedAt: Date },
  ): Promise<ChangeOutcome> {
    await this.store.deleteContactPoints(db, scope, erased.debtorId);
    await this.store.markErased(db, scope, erased.debtorId, erased.erasedAt);
    await this.onErased(db, scope, erased.debtorId);
    return 'applied';
  }

  /** The debtor's projection, for the policy check at send time (see contactStateFor). */
  current(db: SqlRunner, scope: TenantScope, debtorId: string): Promise<DebtorProjection> {
    return this.store.projection(db, scope, debtorId);
  }
}
