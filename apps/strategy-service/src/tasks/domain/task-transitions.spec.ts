import { TaskErrorCode } from './task-errors';
import { isTaskOutcome, TASK_OUTCOMES } from './task-outcomes';
import { assertCompletion, refusalOf, type TaskState } from './task-transitions';

const task = (state: Partial<TaskState>): TaskState => ({
  taskId: 't1',
  status: 'open',
  claimedBy: null,
  completedBy: null,
  ...state,
});

describe('refusalOf', () => {
  it('lets a retried request by the same agent succeed quietly', () => {
    expect(
      refusalOf(task({ status: 'claimed', claimedBy: 'ann' }), 'claim', 'ann'),
    ).toBeUndefined();
    expect(
      refusalOf(
        task({ status: 'completed', claimedBy: 'ann', completedBy: 'ann' }),
        'complete',
        'ann',
      ),
    ).toBeUndefined();
    expect(refusalOf(task({ status: 'open' }), 'release', 'ann')).toBeUndefined();
  });

  it("refuses to claim, complete or release another agent's task", () => {
    const bobs = task({ status: 'claimed', claimedBy: 'bob' });
    expect(refusalOf(bobs, 'claim', 'ann')?.code).toBe(TaskErrorCode.ClaimedByAnotherAgent);
    expect(refusalOf(bobs, 'complete', 'ann')?.code).toBe(TaskErrorCode.NotClaimedByYou);
    expect(refusalOf(bobs, 'release', 'ann')?.code).toBe(TaskErrorCode.NotClaimedByYou);
  });

  it('refuses to complete an open task and to touch a closed one', () => {
    expect(refusalOf(task({ status: 'open' }), 'complete', 'ann')?.code).toBe(
      TaskErrorCode.NotClaimedByYou,
    );
    const done = task({ status: 'completed', claimedBy: 'bob', completedBy: 'bob' });
    expect(refusalOf(done, 'complete', 'ann')?.code).toBe(TaskErrorCode.AlreadyClosed);
    expect(refusalOf(done, 'claim', 'bob')?.code).toBe(TaskErrorCode.AlreadyClosed);
    const cancelled = task({ status: 'cancelled' });
    for (const action of ['claim', 'complete', 'release'] as const) {
      expect(refusalOf(cancelled, action, 'ann')?.message).toBe('task t1 is already cancelled');
    }
  });
});

describe('outcomes', () => {
  it('knows the documented list and nothing else', () => {
    expect(TASK_OUTCOMES).toContain('promise_made');
    expect(TASK_OUTCOMES).toContain('referred_to_advice');
    expect(isTaskOutcome('callback_scheduled')).toBe(true);
    expect(isTaskOutcome('PROMISE_MADE')).toBe(false);
    expect(isTaskOutcome(3)).toBe(false);
  });

  it('asks for a note with "other" only', () => {
    expect(() => assertCompletion('other', '  ')).toThrow(
      expect.objectContaining({ code: TaskErrorCode.NoteRequired }),
    );
    expect(() => assertCompletion('other', 'debtor asked for a letter')).not.toThrow();
    expect(() => assertCompletion('no_contact', undefined)).not.toThrow();
  });
});
