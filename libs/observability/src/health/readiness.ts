/**
 * Something the service needs before it can take traffic (database, broker, ...). Implemented by
 * other libraries; `check` resolves when ready and throws (with a useful message) when not.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export type ReadinessCheckResult =
  { readonly status: 'up' } | { readonly status: 'down'; readonly reason: string };

export interface ReadinessReport {
  readonly status: 'ok' | 'error';
  readonly checks: Readonly<Record<string, ReadinessCheckResult>>;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

const MAX_REASON_LENGTH = 300;

/** Runs all checks concurrently; a check that does not settle within `timeoutMs` counts as down. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs: number = DEFAULT_READINESS_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check) => [check.name, await runOne(check, timeoutMs)] as const),
  );
  return {
    status: results.every(([, result]) => result.status === 'up') ? 'ok' : 'error',
    checks: Object.fromEntries(results),
  };
}

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<ReadinessCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs}ms`)), timeoutMs);
  });
  try {
    // The check is invoked inside the try so a synchronous throw is reported like a rejection.
    await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
    return { status: 'up' };
  } catch (error: unknown) {
    return { status: 'down', reason: describe(error) };
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  return message.length > MAX_REASON_LENGTH ? `${message.slice(0, MAX_REASON_LENGTH)}…` : message;
}
