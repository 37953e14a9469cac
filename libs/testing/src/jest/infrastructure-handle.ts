/** What globalSetup started and globalTeardown stops (Kafka, PostgreSQL, stripe-mock). */
export interface StartedInfrastructure {
  /** Stops whatever was started; servers taken from the environment are left alone. */
  stop(): Promise<void>;
}

/** globalSetup and globalTeardown run in the same process; the handle travels on globalThis. */
const HANDLE_KEY = Symbol.for('clement.testing.infrastructure');

type GlobalWithHandle = typeof globalThis & { [HANDLE_KEY]?: StartedInfrastructure };

export function keepInfrastructure(infrastructure: StartedInfrastructure): void {
  (globalThis as GlobalWithHandle)[HANDLE_KEY] = infrastructure;
}

export function takeInfrastructure(): StartedInfrastructure | undefined {
  const global = globalThis as GlobalWithHandle;
  const infrastructure = global[HANDLE_KEY];
  delete global[HANDLE_KEY];
  return infrastructure;
}
