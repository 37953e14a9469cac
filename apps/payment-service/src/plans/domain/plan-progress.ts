import { addDays, daysBetween, type LocalDate } from '@clement/payment-plans';

export type PlanStatus = 'active' | 'in_arrears' | 'broken' | 'completed' | 'cancelled';

export const LIVE_STATUSES: readonly PlanStatus[] = ['active', 'in_arrears'];

/** One instalment still part of the plan (superseded ones are not). */
export interface InstalmentProgress {
  number: number;
  dueDate: LocalDate;
  amountMinor: number;
  paidMinor: number;
}

export interface PlanEvaluation {
  status: Exclude<PlanStatus, 'cancelled'>;
  /** Instalments past due date + grace and not fully paid. */
  missed: number;
  paidMinor: number;
  remainingMinor: number;
}

/** The new paid amount of each instalment a payment (or a reversal) changed. */
export interface InstalmentChange {
  number: number;
  paidMinor: number;
}

function byDueDate(a: InstalmentProgress, b: InstalmentProgress): number {
  return a.dueDate === b.dueDate ? a.number - b.number : a.dueDate < b.dueDate ? -1 : 1;
}

/** An instalment is missed once its due date plus grace has passed in the debtor's calendar. */
export function isMissed(instalment: InstalmentProgress, today: LocalDate, graceDays: number) {
  return (
    instalment.paidMinor < instalment.amountMinor &&
    daysBetween(addDays(instalment.dueDate, graceDays), today) > 0
  );
}

/** Where a plan stands on the debtor's `today`: completed, broken, in arrears or active. */
export function evaluatePlan(
  instalments: readonly InstalmentProgress[],
  today: LocalDate,
  rules: { instalmentGraceDays: number; breakAfterMisses: number },
): PlanEvaluation {
  const paidMinor = instalments.reduce((sum, i) => sum + Math.min(i.paidMinor, i.amountMinor), 0);
  const totalMinor = instalments.reduce((sum, i) => sum + i.amountMinor, 0);
  const missed = instalments.filter((i) => isMissed(i, today, rules.instalmentGraceDays)).length;
  const status =
    paidMinor >= totalMinor
      ? 'completed'
      : missed >= rules.breakAfterMisses
        ? 'broken'
        : missed > 0
          ? 'in_arrears'
          : 'active';
  return { status, missed, paidMinor, remainingMinor: totalMinor - paidMinor };
}

/**
 * A payment pays instalments in due-date order: the earliest unpaid first, then the next ones
 * (an advance payment). What is left after the last instalment is not the plan's.
 */
export function applyPayment(
  instalments: readonly InstalmentProgress[],
  amountMinor: number,
): { changes: InstalmentChange[]; appliedMinor: number } {
  let left = amountMinor;
  const changes: InstalmentChange[] = [];
  for (const instalment of [...instalments].sort(byDueDate)) {
    if (left <= 0) break;
    const owed = instalment.amountMinor - instalment.paidMinor;
    if (owed <= 0) continue;
    const paid = Math.min(owed, left);
    left -= paid;
    changes.push({ number: instalment.number, paidMinor: instalment.paidMinor + paid });
  }
  return { changes, appliedMinor: amountMinor - left };
}

/** A refund or chargeback takes the money back from the latest paid instalments first. */
export function takeBack(
  instalments: readonly InstalmentProgress[],
  amountMinor: number,
): { changes: InstalmentChange[]; takenMinor: number } {
  let left = amountMinor;
  const changes: InstalmentChange[] = [];
  for (const instalment of [...instalments].sort(byDueDate).reverse()) {
    if (left <= 0) break;
    if (instalment.paidMinor <= 0) continue;
    const taken = Math.min(instalment.paidMinor, left);
    left -= taken;
    changes.push({ number: instalment.number, paidMinor: instalment.paidMinor - taken });
  }
  return { changes, takenMinor: amountMinor - left };
}

/** The instalments after some changes. */
export function withChanges(
  instalments: readonly InstalmentProgress[],
  changes: readonly InstalmentChange[],
): InstalmentProgress[] {
  const paid = new Map(changes.map((change) => [change.number, change.paidMinor]));
  return instalments.map((i) => ({ ...i, paidMinor: paid.get(i.number) ?? i.paidMinor }));
}
