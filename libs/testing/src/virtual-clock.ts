/** A clock tests move by hand; the service reads it through its Clock port. */
export class VirtualClock {
  constructor(private nowMs: number) {}

  readonly clock = (): Date => new Date(this.nowMs);

  get now(): number {
    return this.nowMs;
  }

  set(instant: Date | number): void {
    const next = typeof instant === 'number' ? instant : instant.getTime();
    if (next < this.nowMs) throw new Error('a virtual clock never goes back');
    this.nowMs = next;
  }

  advance(ms: number): void {
    this.set(this.nowMs + ms);
  }
}
