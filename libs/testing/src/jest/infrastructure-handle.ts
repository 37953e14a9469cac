// Relative on purpose: jest loads globalSetup/globalTeardown without moduleNameMapper, so the
// @clement/local-infra alias does not resolve there.
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { Infrastructure } from '../../../local-infra/src';

/** globalSetup and globalTeardown run in the same process; the handle travels on globalThis. */
const HANDLE_KEY = Symbol.for('clement.testing.infrastructure');

type GlobalWithHandle = typeof globalThis & { [HANDLE_KEY]?: Infrastructure };

export function keepInfrastructure(infrastructure: Infrastructure): void {
  (globalThis as GlobalWithHandle)[HANDLE_KEY] = infrastructure;
}

export function takeInfrastructure(): Infrastructure | undefined {
  const global = globalThis as GlobalWithHandle;
  const infrastructure = global[HANDLE_KEY];
  delete global[HANDLE_KEY];
  return infrastructure;
}
