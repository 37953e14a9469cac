import { caseV1 } from '@clement/contracts';
import { IllegalTransitionError } from './domain-errors';

/**
 * The status of a case and the operations that move it: an immutable value object. Each
 * operation returns the next lifecycle and the status change it made (null when the status
 * stays), or throws IllegalTransitionError when the current status does not allow it. Pure: the
 * caller persists the state and publishes CaseStatusChanged for a non-null transition.
 */

export const CASE_STATUSES = ['placed', 'active', 'arrangement', 'on_hold', 'resolved'] as const;
export type CaseStatusName = (typeof CASE_STATUSES)[number];

/** Statuses a hold interrupts, and that lifting the last hold returns to. */
export type ResumableStatus = Exclude<CaseStatusName, 'on_hold' | 'resolved'>;

export const CASE_RESOLUTIONS = [
  'paid_in_full',
  'settled',
  'plan_completed',
  'recalled',
  'deceased',
  'insolvent',
  'statute_barred',
  'closed_other',
] as const;
export type Resolution = (typeof CASE_RESOLUTIONS)[number];

/** What is persisted of a lifecycle (cases.status, status_before_hold, resolution). */
export interface CaseLifecycleState {
  readonly status: CaseStatusName;
  /** Set exactly while on hold: where the case returns when the last hold is lifted. */
  readonly statusBeforeHold: ResumableStatus | null;
  /** Set exactly when resolved. */
  readonly resolution: Resolution | null;
}

export type LifecycleOperation =
  'activate' | 'startArrangement' | 'endArrangement' | 'holdPlaced' | 'holdLifted' | 'resolve';

export interface CaseTransition {
  readonly from: CaseStatusName;
  readonly to: CaseStatusName;
}

export interface LifecycleStep {
  readonly lifecycle: CaseLifecycle;
  /** The status change, or null when the status stayed (e.g. a second hold). */
  readonly transition: CaseTransition | null;
}

export interface AllowedTransition extends CaseTransition {
  readonly operation: LifecycleOperation;
}

/** Every status change there is. Anything else throws IllegalTransitionError. */
export const ALLOWED_TRANSITIONS: readonly AllowedTransition[] = [
  { operation: 'activate', from: 'placed', to: 'active' },
  { operation: 'startArrangement', from: 'placed', to: 'arrangement' },
  { operation: 'startArrangement', from: 'active', to: 'arrangement' },
  { operation: 'endArrangement', from: 'arrangement', to: 'active' },
  { operation: 'holdPlaced', from: 'placed', to: 'on_hold' },
  { operation: 'holdPlaced', from: 'active', to: 'on_hold' },
  { operation: 'holdPlaced', from: 'arrangement', to: 'on_hold' },
  // The last hold lifted: back to the status the first hold interrupted.
  { operation: 'holdLifted', from: 'on_hold', to: 'placed' },
  { operation: 'holdLifted', from: 'on_hold', to: 'active' },
  { operation: 'holdLifted', from: 'on_hold', to: 'arrangement' },
  { operation: 'resolve', from: 'placed', to: 'resolved' },
  { operation: 'resolve', from: 'active', to: 'resolved' },
  { operation: 'resolve', from: 'arrangement', to: 'resolved' },
  { operation: 'resolve', from: 'on_hold', to: 'resolved' },
];

/** How each operation reads in an error: "cannot <action> a case that is resolved". */
const ACTIONS: Readonly<Record<LifecycleOperation, string>> = {
  activate: 'activate',
  startArrangement: 'start an arrangement on',
  endArrangement: 'end the arrangement of',
  holdPlaced: 'place a hold on',
  holdLifted: 'lift a hold from',
  resolve: 'resolve',
};

export function isAllowedTransition(
  operation: LifecycleOperation,
  from: CaseStatusName,
  to: CaseStatusName,
): boolean {
  return ALLOWED_TRANSITIONS.some(
    (allowed) => allowed.operation === operation && allowed.from === from && allowed.to === to,
  );
}

export class CaseLifecycle {
  private constructor(readonly state: CaseLifecycleState) {
    Object.freeze(state);
    Object.freeze(this);
  }

  /** A case just opened. */
  static placed(): CaseLifecycle {
    return new CaseLifecycle({ status: 'placed', statusBeforeHold: null, resolution: null });
  }

  /** A lifecycle as persisted; throws when the state breaks the lifecycle's invariants. */
  static restore(state: CaseLifecycleState): CaseLifecycle {
    const problem = stateProblem(state);
    if (problem !== undefined) {
      throw new Error(`invalid case lifecycle state ${JSON.stringify(state)}: ${problem}`);
    }
    return new CaseLifecycle({
      status: state.status,
      statusBeforeHold: state.statusBeforeHold,
      resolution: state.resolution,
    });
  }

  get status(): CaseStatusName {
    return this.state.status;
  }

  get statusBeforeHold(): ResumableStatus | null {
    return this.state.statusBeforeHold;
  }

  get resolution(): Resolution | null {
    return this.state.resolution;
  }

  get isOpen(): boolean {
    return this.state.status !== 'resolved';
  }

  /** A strategy took the case on: placed → active. */
  activate(): LifecycleStep {
    return this.move('activate', 'active', {});
  }

  /** A payment plan or settlement was agreed: placed | active → arrangement. */
  startArrangement(): LifecycleStep {
    return this.move('startArrangement', 'arrangement', {});
  }

  /** The arrangement ended without resolving the case (e.g. broken): arrangement → active. */
  endArrangement(): LifecycleStep {
    return this.move('endArrangement', 'active', {});
  }

  /**
   * An arrangement was agreed while the case is on hold: the hold keeps precedence, so the status
   * stays, but lifting the last hold now returns the case to `arrangement`. No status change.
   */
  startArrangementUnderHold(): LifecycleStep {
    return this.rememberUnderHold('arrangement', ['placed', 'active'], ACTIONS.startArrangement);
  }

  /**
   * The arrangement ended (without resolving the case) while the case is on hold: lifting the
   * last hold now returns the case to `active`. No status change.
   */
  endArrangementUnderHold(): LifecycleStep {
    return this.rememberUnderHold('active', ['arrangement'], ACTIONS.endArrangement);
  }

  /**
   * A hold was placed; `activeHoldsAfter` counts the holds in force including it. The first
   * hold puts an open case on hold and remembers its status; further holds change nothing.
   */
  holdPlaced(activeHoldsAfter: number): LifecycleStep {
    assertHoldCount(activeHoldsAfter, 1);
    const from = this.status;
    if (from === 'on_hold') return this.unchanged();
    if (from === 'resolved') throw new IllegalTransitionError(from, 'on_hold', ACTIONS.holdPlaced);
    return this.move('holdPlaced', 'on_hold', { statusBeforeHold: from });
  }

  /**
   * A hold ended; `activeHoldsAfter` counts the holds still in force. When none remain the case
   * returns to the status the first hold interrupted; otherwise it stays on hold.
   */
  holdLifted(activeHoldsAfter: number): LifecycleStep {
    assertHoldCount(activeHoldsAfter, 0);
    const resumeTo = this.statusBeforeHold;
    if (this.status !== 'on_hold' || resumeTo === null) {
      throw new IllegalTransitionError(this.status, null, ACTIONS.holdLifted);
    }
    if (activeHoldsAfter > 0) return this.unchanged();
    return this.move('holdLifted', resumeTo, { statusBeforeHold: null });
  }

  /** The case closed, from any open status (on hold included). */
  resolve(resolution: Resolution): LifecycleStep {
    if (!CASE_RESOLUTIONS.includes(resolution)) {
      throw new RangeError(`unknown case resolution: ${String(resolution)}`);
    }
    return this.move('resolve', 'resolved', { statusBeforeHold: null, resolution });
  }

  private move(
    operation: LifecycleOperation,
    to: CaseStatusName,
    changes: Partial<Omit<CaseLifecycleState, 'status'>>,
  ): LifecycleStep {
    const from = this.status;
    if (!isAllowedTransition(operation, from, to)) {
      throw new IllegalTransitionError(from, to, ACTIONS[operation]);
    }
    return {
      lifecycle: new CaseLifecycle({ ...this.state, ...changes, status: to }),
      transition: { from, to },
    };
  }

  /** Changes where an on-hold case resumes (from one of `from`); the status itself stays. */
  private rememberUnderHold(
    resumeTo: ResumableStatus,
    from: readonly ResumableStatus[],
    action: string,
  ): LifecycleStep {
    const before = this.statusBeforeHold;
    if (this.status !== 'on_hold' || before === null || !from.includes(before)) {
      // e.g. "cannot end the arrangement of a case that is active"
      throw new IllegalTransitionError(this.status, null, action);
    }
    return {
      lifecycle: new CaseLifecycle({ ...this.state, statusBeforeHold: resumeTo }),
      transition: null,
    };
  }

  private unchanged(): LifecycleStep {
    return { lifecycle: this, transition: null };
  }
}

function assertHoldCount(count: number, minimum: number): void {
  if (!Number.isInteger(count) || count < minimum) {
    throw new RangeError(`active hold count must be an integer of at least ${minimum}: ${count}`);
  }
}

function stateProblem(state: CaseLifecycleState): string | undefined {
  const { status, statusBeforeHold, resolution } = state;
  if (!CASE_STATUSES.includes(status)) return 'unknown status';
  if (status === 'on_hold') {
    if (statusBeforeHold === null || ['on_hold', 'resolved'].includes(statusBeforeHold)) {
      return 'on hold needs the status before the hold';
    }
    if (!CASE_STATUSES.includes(statusBeforeHold)) return 'unknown status before the hold';
  } else if (statusBeforeHold !== null) {
    return 'only a case on hold has a status before the hold';
  }
  if (status === 'resolved') {
    if (resolution === null || !CASE_RESOLUTIONS.includes(resolution)) {
      return 'resolved needs a known resolution';
    }
  } else if (resolution !== null) {
    return 'only a resolved case has a resolution';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The generated enums of clement.case.v1
// ---------------------------------------------------------------------------------------------

const STATUS_TO_PROTO: Readonly<Record<CaseStatusName, caseV1.CaseStatus>> = {
  placed: caseV1.CaseStatus.PLACED,
  active: caseV1.CaseStatus.ACTIVE,
  arrangement: caseV1.CaseStatus.ARRANGEMENT,
  on_hold: caseV1.CaseStatus.ON_HOLD,
  resolved: caseV1.CaseStatus.RESOLVED,
};

const RESOLUTION_TO_PROTO: Readonly<Record<Resolution, caseV1.CaseResolution>> = {
  paid_in_full: caseV1.CaseResolution.PAID_IN_FULL,
  settled: caseV1.CaseResolution.SETTLED,
  plan_completed: caseV1.CaseResolution.PLAN_COMPLETED,
  recalled: caseV1.CaseResolution.RECALLED,
  deceased: caseV1.CaseResolution.DECEASED,
  insolvent: caseV1.CaseResolution.INSOLVENT,
  statute_barred: caseV1.CaseResolution.STATUTE_BARRED,
  closed_other: caseV1.CaseResolution.CLOSED_OTHER,
};

export function mapStatusToProto(status: CaseStatusName): caseV1.CaseStatus {
  return STATUS_TO_PROTO[status];
}

export function mapResolutionToProto(resolution: Resolution): caseV1.CaseResolution {
  return RESOLUTION_TO_PROTO[resolution];
}

/** Throws RangeError for CASE_STATUS_UNSPECIFIED and values this build does not know. */
export function mapStatusFromProto(status: caseV1.CaseStatus): CaseStatusName {
  return reverseLookup(STATUS_TO_PROTO, status, 'case status');
}

/** Throws RangeError for CASE_RESOLUTION_UNSPECIFIED and values this build does not know. */
export function mapResolutionFromProto(resolution: caseV1.CaseResolution): Resolution {
  return reverseLookup(RESOLUTION_TO_PROTO, resolution, 'case resolution');
}

function reverseLookup<Name extends string>(
  table: Readonly<Record<Name, number>>,
  value: number,
  what: string,
): Name {
  const entry = (Object.entries(table) as [Name, number][]).find(([, number]) => number === value);
  if (entry === undefined) throw new RangeError(`no ${what} for proto value ${value}`);
  return entry[0];
}
