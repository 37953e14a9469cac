/** What case-service knows of one contact point's address. */
export type AddressLookup =
  | { kind: 'found'; address: string; contactPointKind: string }
  | { kind: 'not_found' }
  | { kind: 'erased' };

/**
 * The plaintext address of one contact point, learnt at send time: dispatch-service keeps
 * addresses only encrypted and holds no data keys (ADR 0011).
 */
export interface AddressResolver {
  /** Throws `AddressResolverUnavailableError` when there is no answer now; retry later. */
  resolve(tenantId: string, debtorId: string, contactPointId: string): Promise<AddressLookup>;
}

/**
 * No usable answer: case-service unreachable, slow, failing, or refusing this service's token.
 * The message names the status or failure, never an address.
 */
export class AddressResolverUnavailableError extends Error {
  override readonly name = 'AddressResolverUnavailableError';

  constructor(
    message: string,
    /** The HTTP status case-service answered, when it answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
