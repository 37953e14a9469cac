import { caseV1 } from '@clement/contracts';
import {
  ALLOWED_TRANSITIONS,
  CASE_RESOLUTIONS,
  CASE_STATUSES,
  CaseLifecycle,
  mapResolutionFromProto,
  mapResolutionToProto,
  mapStatusFromProto,
  mapStatusToProto,
  type CaseLifecycleState,
  type CaseStatusName,
  type LifecycleOperation,
  type LifecycleStep,
  type Resolution,
  type ResumableStatus,
} from './case-lifecycle';
import { CaseDomainError, CaseErrorCode, IllegalTransitionError } from './domain-errors';

/** A lifecycle in `status`; on hold it interrupted `before`, resolved it was settled. */
function inStatus(status: CaseStatusName, before: ResumableStatus = 'active'): CaseLifecycle {
  return CaseLifecycle.restore({
    status,
    statusBeforeHold: status === 'on_hold' ? before : null,
    resolution: status === 'resolved' ? 'settled' : null,
  });
}

/** Runs an operation as the workflow would: the first hold placed, the last hold lifted. */
function perform(lifecycle: CaseLifecycle, operation: LifecycleOperation): LifecycleStep {
  switch (operation) {
    case 'activate':
      return lifecycle.activate();
    case 'startArrangement':
      return lifecycle.startArrangement();
    case 'endArrangement':
      return lifecycle.endArrangement();
    case 'holdPlaced':
      return lifecycle.holdPlaced(1);
    case 'holdLifted':
      return lifecycle.holdLifted(0);
    case 'resolve':
      return lifecycle.resolve('paid_in_full');
  }
}

const OPERATIONS: readonly LifecycleOperation[] = [
  'activate',
  'startArrangement',
  'endArrangement',
  'holdPlaced',
  'holdLifted',
  'resolve',
];

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('CaseLifecycle', () => {
  it('starts placed, with no hold and no resolution', () => {
    const placed = CaseLifecycle.placed();
    expect(placed.state).toEqual({ status: 'placed', statusBeforeHold: null, resolution: null });
    expect(placed.isOpen).toBe(true);
  });

  it.each(ALLOWED_TRANSITIONS.map((t) => [t.operation, t.from, t.to] as const))(
    'allows %s from %s to %s',
    (operation, from, to) => {
      // A lifted hold returns to the status it interrupted, so start from that one.
      const before = operation === 'holdLifted' ? (to as ResumableStatus) : 'active';
      const { lifecycle, transition } = perform(inStatus(from, before), operation);
      expect(transition).toEqual({ from, to });
      expect(lifecycle.status).toBe(to);
    },
  );

  it.each([
    ['activate', 'active', 'active'],
    ['activate', 'arrangement', 'active'],
    ['activate', 'on_hold', 'active'],
    ['activate', 'resolved', 'active'],
    ['startArrangement', 'arrangement', 'arrangement'],
    ['startArrangement', 'on_hold', 'arrangement'],
    ['startArrangement', 'resolved', 'arrangement'],
    ['endArrangement', 'placed', 'active'],
    ['endArrangement', 'active', 'active'],
    ['endArrangement', 'on_hold', 'active'],
    ['endArrangement', 'resolved', 'active'],
    ['holdPlaced', 'resolved', 'on_hold'],
    ['holdLifted', 'placed', null],
    ['holdLifted', 'active', null],
    ['holdLifted', 'arrangement', null],
    ['holdLifted', 'resolved', null],
    ['resolve', 'resolved', 'resolved'],
  ] as const)('rejects %s from %s', (operation, from, to) => {
    const error = thrownBy(() => perform(inStatus(from), operation));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toBeInstanceOf(CaseDomainError);
    expect(error).toMatchObject({
      code: CaseErrorCode.IllegalTransition,
      from,
      to,
      details: { from, to },
      message: expect.stringMatching(/^cannot .+ a case that is /),
    });
  });

  it('does exactly what ALLOWED_TRANSITIONS says, for every operation and status', () => {
    for (const operation of OPERATIONS) {
      for (const from of CASE_STATUSES) {
        const allowed = ALLOWED_TRANSITIONS.some(
          (t) => t.operation === operation && t.from === from,
        );
        const noChange = operation === 'holdPlaced' && from === 'on_hold';
        const attempt = () => perform(inStatus(from), operation);
        const outcome = { operation, from, throws: false };
        try {
          attempt();
        } catch (error) {
          expect(error).toBeInstanceOf(IllegalTransitionError);
          outcome.throws = true;
        }
        expect(outcome).toEqual({ operation, from, throws: !allowed && !noChange });
      }
    }
  });

  it('keeps a case on hold while holds stack, and returns it when the last one is lifted', () => {
    const active = CaseLifecycle.placed().activate().lifecycle;

    const first = active.holdPlaced(1);
    expect(first.transition).toEqual({ from: 'active', to: 'on_hold' });
    expect(first.lifecycle.state).toEqual({
      status: 'on_hold',
      statusBeforeHold: 'active',
      resolution: null,
    });

    const second = first.lifecycle.holdPlaced(2);
    expect(second.transition).toBeNull();
    expect(second.lifecycle.state).toEqual(first.lifecycle.state);

    const oneLifted = second.lifecycle.holdLifted(1);
    expect(oneLifted.transition).toBeNull();
    expect(oneLifted.lifecycle.status).toBe('on_hold');

    const allLifted = oneLifted.lifecycle.holdLifted(0);
    expect(allLifted.transition).toEqual({ from: 'on_hold', to: 'active' });
    expect(allLifted.lifecycle.state).toEqual({
      status: 'active',
      statusBeforeHold: null,
      resolution: null,
    });
  });

  it.each(['placed', 'active', 'arrangement'] as const)(
    'returns a case held while %s to that status',
    (status) => {
      const held = inStatus(status).holdPlaced(1).lifecycle;
      expect(held.statusBeforeHold).toBe(status);
      expect(held.holdLifted(0).lifecycle.status).toBe(status);
    },
  );

  it.each(['placed', 'active'] as const)(
    'keeps a case held while %s on hold when an arrangement is agreed, and resumes it in arrangement',
    (status) => {
      const held = inStatus('on_hold', status);
      const { lifecycle, transition } = held.startArrangementUnderHold();
      expect(transition).toBeNull();
      expect(lifecycle.state).toEqual({
        status: 'on_hold',
        statusBeforeHold: 'arrangement',
        resolution: null,
      });
      expect(lifecycle.holdLifted(0).transition).toEqual({ from: 'on_hold', to: 'arrangement' });
    },
  );

  it('keeps a case on hold when its arrangement ends, and resumes it active', () => {
    const { lifecycle, transition } = inStatus('on_hold', 'arrangement').endArrangementUnderHold();
    expect(transition).toBeNull();
    expect(lifecycle.state).toEqual({
      status: 'on_hold',
      statusBeforeHold: 'active',
      resolution: null,
    });
    expect(lifecycle.holdLifted(0).transition).toEqual({ from: 'on_hold', to: 'active' });
  });

  it.each([
    ['startArrangementUnderHold', 'on hold from arrangement', inStatus('on_hold', 'arrangement')],
    ['startArrangementUnderHold', 'active', inStatus('active')],
    ['startArrangementUnderHold', 'resolved', inStatus('resolved')],
    ['endArrangementUnderHold', 'on hold from active', inStatus('on_hold', 'active')],
    ['endArrangementUnderHold', 'arrangement', inStatus('arrangement')],
    ['endArrangementUnderHold', 'resolved', inStatus('resolved')],
  ] as const)('rejects %s from %s', (operation, _from, lifecycle) => {
    expect(() => lifecycle[operation]()).toThrow(IllegalTransitionError);
  });

  it('resolves a case on hold, forgetting the status before the hold', () => {
    const held = inStatus('arrangement').holdPlaced(1).lifecycle;
    const { lifecycle, transition } = held.resolve('deceased');
    expect(transition).toEqual({ from: 'on_hold', to: 'resolved' });
    expect(lifecycle.state).toEqual({
      status: 'resolved',
      statusBeforeHold: null,
      resolution: 'deceased',
    });
    expect(lifecycle.isOpen).toBe(false);
  });

  it.each(CASE_RESOLUTIONS)('records the resolution %s', (resolution) => {
    expect(inStatus('active').resolve(resolution).lifecycle.resolution).toBe(resolution);
  });

  it('is immutable: operations return a new lifecycle and leave the old one as it was', () => {
    const placed = CaseLifecycle.placed();
    const { lifecycle } = placed.activate();
    expect(lifecycle).not.toBe(placed);
    expect(placed.status).toBe('placed');
    expect(Object.isFrozen(placed)).toBe(true);
    expect(Object.isFrozen(placed.state)).toBe(true);
    expect(() => {
      (placed.state as { status: CaseStatusName }).status = 'resolved';
    }).toThrow(TypeError);
  });

  it('restores a persisted state without freezing the caller’s object', () => {
    const state = { status: 'on_hold', statusBeforeHold: 'placed', resolution: null } as const;
    const restored = CaseLifecycle.restore(state);
    expect(restored.state).toEqual(state);
    expect(Object.isFrozen(state)).toBe(false);
  });

  it.each([
    ['an unknown status', { status: 'open', statusBeforeHold: null, resolution: null }],
    [
      'on hold without a status before',
      { status: 'on_hold', statusBeforeHold: null, resolution: null },
    ],
    [
      'on hold before being on hold',
      { status: 'on_hold', statusBeforeHold: 'on_hold', resolution: null },
    ],
    [
      'a status before the hold when not on hold',
      { status: 'active', statusBeforeHold: 'placed', resolution: null },
    ],
    [
      'resolved without a resolution',
      { status: 'resolved', statusBeforeHold: null, resolution: null },
    ],
    [
      'resolved with an unknown resolution',
      { status: 'resolved', statusBeforeHold: null, resolution: 'won' },
    ],
    [
      'a resolution on an open case',
      { status: 'active', statusBeforeHold: null, resolution: 'settled' },
    ],
  ])('refuses to restore %s', (_name, state) => {
    expect(() => CaseLifecycle.restore(state as unknown as CaseLifecycleState)).toThrow(
      /^invalid case lifecycle state/,
    );
  });

  it('refuses hold counts that cannot be', () => {
    expect(() => CaseLifecycle.placed().holdPlaced(0)).toThrow(RangeError);
    expect(() => inStatus('on_hold').holdLifted(-1)).toThrow(RangeError);
    expect(() => inStatus('on_hold').holdLifted(0.5)).toThrow(RangeError);
  });

  it('refuses an unknown resolution', () => {
    expect(() => inStatus('active').resolve('won' as Resolution)).toThrow(RangeError);
  });

  it('explains an illegal transition in its message', () => {
    expect(() => inStatus('resolved').activate()).toThrow(
      'cannot activate a case that is resolved',
    );
    expect(() => inStatus('on_hold').startArrangement()).toThrow(
      'cannot start an arrangement on a case that is on hold',
    );
    expect(() => inStatus('active').holdLifted(0)).toThrow(
      'cannot lift a hold from a case that is active',
    );
    expect(thrownBy(() => inStatus('resolved').holdPlaced(1))).toMatchObject({
      action: 'place a hold on',
      details: { from: 'resolved', to: 'on_hold', action: 'place a hold on' },
    });
  });
});

describe('proto mappings', () => {
  it.each(CASE_STATUSES)('maps the status %s to clement.case.v1 and back', (status) => {
    const proto = mapStatusToProto(status);
    expect(caseV1.CaseStatusSchema.value[proto].name).toBe(`CASE_STATUS_${status.toUpperCase()}`);
    expect(mapStatusFromProto(proto)).toBe(status);
  });

  it.each(CASE_RESOLUTIONS)('maps the resolution %s to clement.case.v1 and back', (resolution) => {
    const proto = mapResolutionToProto(resolution);
    expect(caseV1.CaseResolutionSchema.value[proto].name).toBe(
      `CASE_RESOLUTION_${resolution.toUpperCase()}`,
    );
    expect(mapResolutionFromProto(proto)).toBe(resolution);
  });

  it('covers every value the proto enums define', () => {
    const defined = (values: readonly { number: number }[]) =>
      values.map((value) => value.number).filter((number) => number !== 0);
    expect(CASE_STATUSES.map(mapStatusToProto).sort()).toEqual(
      defined(caseV1.CaseStatusSchema.values).sort(),
    );
    expect(CASE_RESOLUTIONS.map(mapResolutionToProto).sort()).toEqual(
      defined(caseV1.CaseResolutionSchema.values).sort(),
    );
  });

  it('refuses the unspecified and unknown values', () => {
    expect(() => mapStatusFromProto(caseV1.CaseStatus.UNSPECIFIED)).toThrow(RangeError);
    expect(() => mapStatusFromProto(99 as caseV1.CaseStatus)).toThrow(RangeError);
    expect(() => mapResolutionFromProto(caseV1.CaseResolution.UNSPECIFIED)).toThrow(RangeError);
  });
});
