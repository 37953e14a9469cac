/** Why a record could not be turned into an event; written to the dead-letter headers. */
export type MalformedEventReason =
  | 'missing-attribute'
  | 'invalid-attribute'
  | 'unsupported-content-type'
  | 'unknown-event-type'
  | 'event-type-not-allowed-on-topic'
  | 'undecodable-payload'
  | 'missing-key';

/** The record itself is broken: retrying cannot help, it goes to the dead-letter topic at once. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
  constructor(
    readonly reason: MalformedEventReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/**
 * Thrown by a handler when the event is well-formed but can never be applied (e.g. it fails
 * domain validation). Dead-lettered without retries.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
  constructor(
    message: string,
    readonly code = 'permanent',
  ) {
    super(message);
  }
}

export type ErrorClass = 'permanent' | 'transient';

/** Default classification: broken records and explicit permanent errors skip the retries. */
export function classifyError(error: unknown): ErrorClass {
  return error instanceof MalformedEventError || error instanceof PermanentEventError
    ? 'permanent'
    : 'transient';
}

export function describeError(error: unknown): { type: string; message: string } {
  if (error instanceof Error) return { type: error.name, message: error.message };
  return { type: typeof error, message: String(error) };
}
