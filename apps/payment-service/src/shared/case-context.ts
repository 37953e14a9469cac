import type { LocalDate } from '@clement/payment-plans';
import type { SqlRunner } from '@clement/persistence';
import type {
  CaseProjectionRepository,
  ProjectedCase,
} from '../case-projection/case-projection.repository';
import type { LedgerRepository } from '../ledger/ledger.repository';
import type { Clock } from './clock';
import { PaymentDomainError, PaymentErrorCode } from './payment-errors';
import type { PaymentTenant, PaymentTenants } from '../tenants/payment-tenants';
import { debtorTimeZone, localDateAt } from './debtor-calendar';

/** A case as offers, plans, promises and mandates see it: open, with its debtor's calendar. */
export interface CaseContext {
  tenant: PaymentTenant;
  case: ProjectedCase;
  timeZone: string;
  now: Date;
  /** The debtor's local date now. */
  today: LocalDate;
}

export function tenantOf(tenants: PaymentTenants, tenantId: string): PaymentTenant {
  const tenant = tenants.find(tenantId);
  if (!tenant) {
    throw new PaymentDomainError(
      PaymentErrorCode.TenantUnknown,
      `tenant ${tenantId} takes no payments here`,
    );
  }
  return tenant;
}

/** Finds (or locks) the case for the tenant; 404 when unknown, 409 when it is resolved or erased. */
export class CaseContexts {
  constructor(
    private readonly tenants: PaymentTenants,
    private readonly cases: CaseProjectionRepository,
    private readonly ledger: LedgerRepository,
    private readonly clock: Clock,
  ) {}

  async open(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
    options: { lock?: boolean } = {},
  ): Promise<CaseContext> {
    const context = await this.find(db, tenantId, caseId, options);
    if (context.case.status !== 'open' || context.case.erased) {
      throw new PaymentDomainError(
        PaymentErrorCode.CaseClosed,
        `case ${caseId} is ${context.case.erased ? 'erased' : 'resolved'}`,
      );
    }
    return context;
  }

  async find(
    db: SqlRunner,
    tenantId: string,
    caseId: string,
    options: { lock?: boolean } = {},
  ): Promise<CaseContext> {
    const tenant = tenantOf(this.tenants, tenantId);
    const found = options.lock
      ? await this.cases.lock(db, tenantId, caseId)
      : await this.cases.find(db, tenantId, caseId);
    if (!found) throw new PaymentDomainError(PaymentErrorCode.CaseNotFound, `no case ${caseId}`);
    const timeZone = debtorTimeZone(found.timeZone, tenant.timeZone);
    const now = this.clock();
    return { tenant, case: found, timeZone, now, today: localDateAt(now, timeZone) };
  }

  /** What is owed on the case: the sum of its accounts' balances. */
  async balance(db: SqlRunner, tenantId: string, caseId: string): Promise<number> {
    const accounts = await this.ledger.accountBalances(db, tenantId, caseId);
    return accounts.reduce((sum, account) => sum + account.balanceMinor, 0);
  }
}
