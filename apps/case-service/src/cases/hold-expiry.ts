import type { DataSource } from 'typeorm';
import { CaseChanges } from '../events/case-changes';
import type { CaseChangeWriter } from '../events/case-change-writer';
import type { DebtorsRepository } from '../debtors/debtors.repository';
import { TenantScope } from '../tenancy/tenant-scope';
import { type CaseWorkflow, SYSTEM_ACTOR } from './case-workflow';
import type { CasesRepository } from './cases.repository';

/**
 * Ends holds whose end date has passed (a breathing space ends on its own): each becomes a
 * HoldLifted by the system, and cases with no other hold go back to where they were. Safe with
 * several instances: due holds are claimed with SKIP LOCKED.
 */
export class HoldExpiry {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cases: CasesRepository,
    private readonly debtors: DebtorsRepository,
    private readonly workflow: CaseWorkflow,
    private readonly writer: CaseChangeWriter,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Lifts up to `limit` due holds; returns how many. */
  async liftDue(limit = 100): Promise<number> {
    return this.dataSource.transaction(async (db) => {
      const due = await this.cases.claimExpiredHolds(db, this.clock(), limit);
      for (const { tenantId, holdId } of due) {
        const scope = TenantScope.of(tenantId);
        const hold = await this.cases.findHold(db, scope, holdId);
        if (!hold || hold.liftedAt || !hold.endsAt) continue;
        const debtor = await this.debtors.findById(db, scope, hold.debtorId, { forUpdate: true });
        if (!debtor) continue;
        const changes = new CaseChanges(scope);
        await this.workflow.liftHold(
          db,
          changes,
          hold,
          { liftedAt: hold.endsAt, liftedBy: SYSTEM_ACTOR },
          { creditorDebtorId: debtor.creditorDebtorId, toCrm: hold.creditorHoldReference === null },
        );
        await this.writer.write(db, changes);
      }
      return due.length;
    });
  }
}
