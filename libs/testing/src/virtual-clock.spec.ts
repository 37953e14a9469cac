import { VirtualClock } from './virtual-clock';

describe('VirtualClock', () => {
  it('reads what it was set to, moves forward, and never goes back', () => {
    const clock = new VirtualClock(1_000);
    expect(clock.clock().getTime()).toBe(1_000);
    clock.advance(500);
    clock.set(new Date(2_000));
    expect(clock.now).toBe(2_000);
    expect(() => clock.set(1_999)).toThrow('a virtual clock never goes back');
    expect(clock.clock().toISOString()).toBe(new Date(2_000).toISOString());
  });
});
