import { create } from '@bufbuild/protobuf';
import { type Timestamp, timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  type Actor,
  ActorKind,
  ActorSchema,
  caseV1,
  crmV1,
  type paymentV1,
} from '@clement/contracts';
import { caseAccountOf, type CaseWorkflow, money } from '../cases/case-workflow';
import type { AccountRecord, CaseRecord, CasesRepository } from '../cases/cases.repository';
import type { DebtorRecord, DebtorsRepository } from '../debtors/debtors.repository';
import type { CaseChanges } from '../events/case-changes';
import type { SqlRunner } from '../persistence/sql-runner';
import {
  allocationLines,
  type ArrangementStep,
  type BalanceMove,
  crmFrequency,
  crmPaymentMethod,
  netAllocations,
  outcomeOfPlanEnd,
  PaymentBreachCode,
  PaymentContractBreach,
  paymentMoves,
  type PlanEnd,
  resolutionAfterPayment,
  reversalMoves,
  stepForPlanAgreed,
} from './domain/payment-decisions';
import type { MovementKind, PaymentLedgerRepository } from './payment-ledger.repository';

/** Whether an event changed anything, or had been applied before (by its own id). */
export type PaymentEffectOutcome = 'applied' | 'duplicate';

/** payment-service acting on its own (a payment taken, a plan's schedule run out). */
export const PAYMENT_SERVICE_ACTOR: Actor = create(ActorSchema, {
  kind: ActorKind.SYSTEM,
  id: 'payment-service',
});

/** The case an event names, with its debtor, both locked for the event's transaction. */
interface OpenedCase {
  readonly record: CaseRecord;
  readonly debtor: DebtorRecord;
}

type Reversal = paymentV1.PaymentRefunded | paymentV1.PaymentChargedBack;

/**
 * What payment-service's events do to cases, in the consumer's transaction: balances move with
 * payments and their reversals, statuses with plans, and the creditor's CRM hears of payments,
 * arrangements and promises. Each event is applied once by its own id (payment, refund,
 * chargeback, plan, promise) on top of the consumer's inbox, which already skips redeliveries.
 */
export class PaymentEventEffects {
  constructor(
    private readonly cases: CasesRepository,
    private readonly debtors: DebtorsRepository,
    private readonly ledger: PaymentLedgerRepository,
    private readonly workflow: CaseWorkflow,
  ) {}

  // ---- payments ------------------------------------------------------------------------------

  async paymentSucceeded(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PaymentSucceeded,
    receivedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    const { scope } = changes;
    const { record, debtor } = await this.openCase(db, changes, event);
    const amount = required(event.amount);
    sameCurrency(record, amount.currency, 'amount');
    const paidAt = dateOf(event.paidAt, receivedAt);
    const lines = allocationLines(event.allocations);
    const recorded = await this.ledger.recordMovement(db, scope, {
      kind: 'payment',
      movementId: event.paymentId,
      paymentId: event.paymentId,
      caseId: record.id,
      allocations: lines,
      currency: amount.currency,
      occurredAt: paidAt,
    });
    if (!recorded) return 'duplicate';

    const accounts = await this.cases.accountsOf(db, scope, record.id, { forUpdate: true });
    const moves = paymentMoves(balancesOf(accounts), lines);
    const after = await this.moveBalances(
      db,
      changes,
      record,
      accounts,
      moves,
      caseV1.BalanceChangeReason.PAYMENT,
    );
    if (moves.length > 0) {
      // The creditor's books take what reached its accounts; an overpayment is held for refund.
      const references = new Map(accounts.map((a) => [a.id, a.accountReference]));
      // What the payment put on each account, even where a balance stopped at zero.
      const paidTo = netAllocations(lines);
      const allocated = moves.reduce((sum, move) => sum + (paidTo.get(move.accountId) ?? 0n), 0n);
      changes.crmOutbound(
        crmV1.PaymentReceivedSchema,
        create(crmV1.PaymentReceivedSchema, {
          creditorDebtorId: debtor.creditorDebtorId,
          caseId: record.id,
          paymentId: event.paymentId,
          amount: money(allocated, record.currency),
          allocations: moves.map((move) =>
            create(crmV1.PaymentAllocationSchema, {
              accountReference: references.get(move.accountId) ?? '',
              amount: money(paidTo.get(move.accountId) ?? 0n, record.currency),
            }),
          ),
          receivedAt: timestampFromDate(paidAt),
          method: crmPaymentMethod(event.method),
          arrangementId: event.planId,
        }),
        debtor.creditorDebtorId,
      );
    }
    const resolution = resolutionAfterPayment(after.lifecycle, after.totalBalanceMinor);
    if (resolution) {
      await this.workflow.resolve(
        db,
        changes,
        after,
        resolution,
        PAYMENT_SERVICE_ACTOR,
        debtor.creditorDebtorId,
        paidAt,
      );
    }
    return 'applied';
  }

  paymentRefunded(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PaymentRefunded,
    receivedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    return this.reverse(db, changes, event, 'refund', event.refundId, event.refundedAt, receivedAt);
  }

  paymentChargedBack(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PaymentChargedBack,
    receivedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    return this.reverse(
      db,
      changes,
      event,
      'chargeback',
      event.chargebackId,
      event.chargedBackAt,
      receivedAt,
    );
  }

  /**
   * Money taken back adds back to the accounts it was allocated to. The status stays, also for a
   * case the payment resolved: CaseResolved told every service and the creditor that nothing more
   * happens on the case, nobody acts on it being reopened, and whether to pursue a disputed or
   * refunded amount again is a decision for staff or the creditor, not an automatic restart of
   * collection. The reversal is recorded: the balance, a BalanceChanged and the case history.
   */
  private async reverse(
    db: SqlRunner,
    changes: CaseChanges,
    event: Reversal,
    kind: Exclude<MovementKind, 'payment'>,
    movementId: string,
    at: Timestamp | undefined,
    receivedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    const { scope } = changes;
    const { record, debtor } = await this.openCase(db, changes, event);
    sameCurrency(record, required(event.amount).currency, 'amount');
    if (await this.ledger.hasMovement(db, scope, kind, movementId)) return 'duplicate';
    const history = await this.ledger.movementsOfPayment(db, scope, event.paymentId);
    const payment = history.find((movement) => movement.kind === 'payment');
    if (!payment || payment.caseId !== record.id) {
      // Ordered by the debtor's partition key, a payment's success always comes first.
      throw new PaymentContractBreach(
        PaymentBreachCode.UnknownPayment,
        `payment_id: no payment "${event.paymentId}" succeeded on case ${record.id}`,
      );
    }
    const reversed = allocationLines(event.reversedAllocations);
    const accounts = await this.cases.accountsOf(db, scope, record.id, { forUpdate: true });
    const stillAllocated = netAllocations(history.flatMap((movement) => movement.allocations));
    const moves = reversalMoves(balancesOf(accounts), reversed, stillAllocated);
    await this.ledger.recordMovement(db, scope, {
      kind,
      movementId,
      paymentId: event.paymentId,
      caseId: record.id,
      allocations: reversed.map((line) => ({ ...line, amountMinor: -line.amountMinor })),
      currency: record.currency,
      occurredAt: dateOf(at, receivedAt),
    });
    await this.moveBalances(
      db,
      changes,
      record,
      accounts,
      moves,
      caseV1.BalanceChangeReason.PAYMENT_REVERSED,
    );
    // The creditor applied the payment (PaymentReceived): it must take back what went back.
    const references = new Map(accounts.map((a) => [a.id, a.accountReference]));
    const back = netAllocations(reversed);
    // A refund of an overpayment only (nothing off the accounts) never reached the creditor.
    if (back.size === 0) return 'applied';
    changes.crmOutbound(
      crmV1.PaymentReversedSchema,
      create(crmV1.PaymentReversedSchema, {
        creditorDebtorId: debtor.creditorDebtorId,
        caseId: record.id,
        paymentId: event.paymentId,
        reversalId: movementId,
        kind:
          kind === 'refund'
            ? crmV1.PaymentReversalKind.REFUND
            : crmV1.PaymentReversalKind.CHARGEBACK,
        amount: money(
          [...back.values()].reduce((sum, amount) => sum + amount, 0n),
          record.currency,
        ),
        allocations: [...back].map(([accountId, amount]) =>
          create(crmV1.PaymentAllocationSchema, {
            accountReference: references.get(accountId) ?? '',
            amount: money(amount, record.currency),
          }),
        ),
        reversedAt: timestampFromDate(dateOf(at, receivedAt)),
      }),
      debtor.creditorDebtorId,
    );
    return 'applied';
  }

  // ---- plans ---------------------------------------------------------------------------------

  async planCreated(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PlanCreated,
  ): Promise<PaymentEffectOutcome> {
    const { scope } = changes;
    const { record, debtor } = await this.openCase(db, changes, event);
    const total = required(event.total);
    sameCurrency(record, total.currency, 'total');
    const inserted = await this.ledger.insertPlan(db, scope, {
      planId: event.planId,
      caseId: record.id,
      settlement: event.settlement,
      totalMinor: total.amountMinor,
      currency: total.currency,
      status: 'active',
    });
    if (!inserted) {
      await this.planOf(db, changes, record, event.planId); // another case's plan id is a breach
      return 'duplicate';
    }
    const actor = event.createdBy ?? PAYMENT_SERVICE_ACTOR;
    await this.applyStep(db, changes, record, stepForPlanAgreed(record.lifecycle), actor);
    const [first] = event.instalments;
    changes.crmOutbound(
      crmV1.ArrangementMadeSchema,
      create(crmV1.ArrangementMadeSchema, {
        creditorDebtorId: debtor.creditorDebtorId,
        accountReferences: await this.accountReferences(db, changes, record),
        caseId: record.id,
        arrangementId: event.planId,
        kind: event.settlement
          ? crmV1.ArrangementKind.SETTLEMENT
          : crmV1.ArrangementKind.PAYMENT_PLAN,
        totalAmount: total,
        instalmentAmount: first?.amount,
        instalmentCount: event.instalments.length,
        frequency: crmFrequency(event.frequency),
        firstDueDate: first?.dueDate ?? '',
        agreedBy: actor,
      }),
      debtor.creditorDebtorId,
    );
    return 'applied';
  }

  planBreached(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PlanBreached,
    receivedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    return this.endPlan(db, changes, event, 'breached', dateOf(event.breachedAt, receivedAt));
  }

  planCancelled(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PlanCancelled,
    receivedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    return this.endPlan(db, changes, event, 'cancelled', dateOf(event.cancelledAt, receivedAt));
  }

  planCompleted(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PlanCompleted,
    receivedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    return this.endPlan(db, changes, event, 'completed', dateOf(event.completedAt, receivedAt));
  }

  private async endPlan(
    db: SqlRunner,
    changes: CaseChanges,
    event: { caseId: string; debtorId: string; planId: string },
    end: PlanEnd,
    endedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    const { scope } = changes;
    const { record, debtor } = await this.openCase(db, changes, event);
    const plan = await this.planOf(db, changes, record, event.planId);
    if (plan.status !== 'active') return 'duplicate';
    await this.ledger.endPlan(db, scope, plan.planId, end, endedAt);
    const outcome = outcomeOfPlanEnd(
      end,
      plan,
      record.lifecycle,
      record.totalBalanceMinor,
      await this.ledger.activePlansOf(db, scope, record.id),
    );
    if ('resolve' in outcome) {
      await this.workflow.resolve(
        db,
        changes,
        record,
        outcome.resolve,
        PAYMENT_SERVICE_ACTOR,
        debtor.creditorDebtorId,
        endedAt,
      );
    } else {
      await this.applyStep(db, changes, record, outcome.step, PAYMENT_SERVICE_ACTOR);
    }
    return 'applied';
  }

  // ---- promises ------------------------------------------------------------------------------

  async promiseMade(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PromiseMade,
  ): Promise<PaymentEffectOutcome> {
    const { record, debtor } = await this.openCase(db, changes, event);
    const amount = required(event.amount);
    sameCurrency(record, amount.currency, 'amount');
    const inserted = await this.ledger.insertPromise(db, changes.scope, {
      promiseId: event.promiseId,
      caseId: record.id,
      amountMinor: amount.amountMinor,
      currency: amount.currency,
      status: 'open',
    });
    if (!inserted) {
      await this.promiseOf(db, changes, record, event.promiseId);
      return 'duplicate';
    }
    changes.crmOutbound(
      crmV1.PromiseMadeSchema,
      create(crmV1.PromiseMadeSchema, {
        creditorDebtorId: debtor.creditorDebtorId,
        accountReferences: await this.accountReferences(db, changes, record),
        caseId: record.id,
        promiseId: event.promiseId,
        amount,
        dueDate: event.dueDate,
        recordedBy: event.madeBy ?? PAYMENT_SERVICE_ACTOR,
      }),
      debtor.creditorDebtorId,
    );
    return 'applied';
  }

  async promiseKept(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PromiseKept,
    receivedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    const { record, debtor } = await this.openCase(db, changes, event);
    const promise = await this.promiseOf(db, changes, record, event.promiseId);
    if (promise.status !== 'open') return 'duplicate';
    const keptAt = dateOf(event.keptAt, receivedAt);
    await this.ledger.endPromise(db, changes.scope, promise.promiseId, 'kept', keptAt);
    changes.crmOutbound(
      crmV1.PromiseKeptSchema,
      create(crmV1.PromiseKeptSchema, {
        creditorDebtorId: debtor.creditorDebtorId,
        accountReferences: await this.accountReferences(db, changes, record),
        caseId: record.id,
        promiseId: promise.promiseId,
        // Kept means paid in full by its date.
        amountPaid: money(promise.amountMinor, promise.currency),
        keptAt: timestampFromDate(keptAt),
      }),
      debtor.creditorDebtorId,
    );
    return 'applied';
  }

  async promiseBroken(
    db: SqlRunner,
    changes: CaseChanges,
    event: paymentV1.PromiseBroken,
    receivedAt: Date,
  ): Promise<PaymentEffectOutcome> {
    const { record, debtor } = await this.openCase(db, changes, event);
    const promise = await this.promiseOf(db, changes, record, event.promiseId);
    if (promise.status !== 'open') return 'duplicate';
    const paid = event.paid?.amountMinor ?? 0n;
    if (event.paid) sameCurrency(record, event.paid.currency, 'paid');
    await this.ledger.endPromise(
      db,
      changes.scope,
      promise.promiseId,
      'broken',
      dateOf(event.brokenAt, receivedAt),
    );
    const missing = promise.amountMinor - paid;
    changes.crmOutbound(
      crmV1.PromiseBrokenSchema,
      create(crmV1.PromiseBrokenSchema, {
        creditorDebtorId: debtor.creditorDebtorId,
        accountReferences: await this.accountReferences(db, changes, record),
        caseId: record.id,
        promiseId: promise.promiseId,
        amountPaid: money(paid, promise.currency),
        amountMissing: money(missing > 0n ? missing : 0n, promise.currency),
      }),
      debtor.creditorDebtorId,
    );
    return 'applied';
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * The event's case and debtor, locked debtor first (the order CRM ingestion and staff commands
   * lock in). payment-service only knows cases case-service published, so an unknown case, or a
   * case of another debtor, is a breach of the contract rather than something to wait for.
   */
  private async openCase(
    db: SqlRunner,
    changes: CaseChanges,
    event: { caseId: string; debtorId: string },
  ): Promise<OpenedCase> {
    const { scope } = changes;
    const caseId = event.caseId.toLowerCase();
    const unlocked = await this.cases.findCase(db, scope, caseId);
    if (!unlocked) {
      throw new PaymentContractBreach(
        PaymentBreachCode.UnknownCase,
        `case_id: case ${caseId} is not a case of tenant "${scope.tenantId}"`,
      );
    }
    if (unlocked.debtorId !== event.debtorId.toLowerCase()) {
      throw new PaymentContractBreach(
        PaymentBreachCode.CaseOfAnotherDebtor,
        `debtor_id: case ${caseId} belongs to another debtor`,
      );
    }
    const debtor = await this.debtors.findById(db, scope, unlocked.debtorId, { forUpdate: true });
    const record = await this.cases.findCase(db, scope, caseId, { forUpdate: true });
    if (!debtor || !record) throw new Error(`case ${caseId} vanished in its transaction`);
    return { record, debtor };
  }

  private async planOf(db: SqlRunner, changes: CaseChanges, record: CaseRecord, planId: string) {
    const plan = await this.ledger.findPlan(db, changes.scope, planId);
    if (!plan) {
      throw new PaymentContractBreach(
        PaymentBreachCode.UnknownPlan,
        `plan_id: no plan "${planId}" was created`,
      );
    }
    if (plan.caseId !== record.id) {
      throw new PaymentContractBreach(
        PaymentBreachCode.ConflictingReuse,
        `plan_id: plan "${planId}" is a plan of another case`,
      );
    }
    return plan;
  }

  private async promiseOf(
    db: SqlRunner,
    changes: CaseChanges,
    record: CaseRecord,
    promiseId: string,
  ) {
    const promise = await this.ledger.findPromise(db, changes.scope, promiseId);
    if (!promise) {
      throw new PaymentContractBreach(
        PaymentBreachCode.UnknownPromise,
        `promise_id: no promise "${promiseId}" was made`,
      );
    }
    if (promise.caseId !== record.id) {
      throw new PaymentContractBreach(
        PaymentBreachCode.ConflictingReuse,
        `promise_id: promise "${promiseId}" is a promise of another case`,
      );
    }
    return promise;
  }

  /**
   * Stores the accounts' new balances and the case's totals, and announces one BalanceChanged per
   * account; returns the case as it is now.
   */
  private async moveBalances(
    db: SqlRunner,
    changes: CaseChanges,
    record: CaseRecord,
    accounts: readonly AccountRecord[],
    moves: readonly BalanceMove[],
    reason: caseV1.BalanceChangeReason,
  ): Promise<CaseRecord> {
    if (moves.length === 0) return record;
    const { scope } = changes;
    const byId = new Map(accounts.map((account) => [account.id, account]));
    for (const move of moves) {
      await this.cases.setAccountBalance(db, scope, move.accountId, move.afterMinor);
    }
    const totals = await this.cases.refreshTotals(db, scope, record.id);
    for (const move of moves) {
      const account = byId.get(move.accountId);
      if (!account) continue; // paymentMoves only moves the case's accounts
      changes.caseEvent(
        caseV1.BalanceChangedSchema,
        create(caseV1.BalanceChangedSchema, {
          caseId: record.id,
          debtorId: record.debtorId,
          account: caseAccountOf({ ...account, currentBalanceMinor: move.afterMinor }),
          previousBalance: money(move.beforeMinor, record.currency),
          totalBalance: money(move.totalAfterMinor, record.currency),
          reason,
        }),
        { debtorId: record.debtorId, caseId: record.id, actor: PAYMENT_SERVICE_ACTOR },
      );
    }
    return { ...record, ...totals };
  }

  private async applyStep(
    db: SqlRunner,
    changes: CaseChanges,
    record: CaseRecord,
    step: ArrangementStep | null,
    actor: Actor,
  ): Promise<void> {
    if (step === null) return;
    await this.workflow.apply(db, changes, record, (lifecycle) => lifecycle[step](), actor);
  }

  private async accountReferences(
    db: SqlRunner,
    changes: CaseChanges,
    record: CaseRecord,
  ): Promise<string[]> {
    const accounts = await this.cases.accountsOf(db, changes.scope, record.id);
    return accounts.map((account) => account.accountReference);
  }
}

function balancesOf(accounts: readonly AccountRecord[]) {
  return accounts.map((account) => ({
    accountId: account.id,
    balanceMinor: account.currentBalanceMinor,
  }));
}

/** Fields the contract checks at the edge made sure of. */
function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a field checked at the edge is missing');
  return value;
}

function sameCurrency(record: CaseRecord, currency: string, field: string): void {
  if (currency !== record.currency) {
    throw new PaymentContractBreach(
      PaymentBreachCode.CurrencyMismatch,
      `${field}.currency: case ${record.id} is in ${record.currency}, not ${currency}`,
    );
  }
}

function dateOf(timestamp: Timestamp | undefined, fallback: Date): Date {
  return timestamp ? timestampDate(timestamp) : fallback;
}
