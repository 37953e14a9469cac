import {
  BadRequestException,
  ConflictException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { errorBody } from '@clement/staff-api';

/** Codes of the error bodies the idempotency layer answers with. */
export const IDEMPOTENCY_ERROR = {
  missing: 'idempotency_key.missing',
  invalid: 'idempotency_key.invalid',
  reused: 'idempotency_key.reused',
  inProgress: 'idempotency_key.in_progress',
} as const;

export function keyMissing(reason: string): BadRequestException {
  return new BadRequestException(errorBody(400, IDEMPOTENCY_ERROR.missing, reason));
}

export function keyInvalid(reason: string): BadRequestException {
  return new BadRequestException(errorBody(400, IDEMPOTENCY_ERROR.invalid, reason));
}

export function keyReused(): UnprocessableEntityException {
  return new UnprocessableEntityException(
    errorBody(
      422,
      IDEMPOTENCY_ERROR.reused,
      'This Idempotency-Key was already used for another request; use a new key for a new request',
    ),
  );
}

export function keyInProgress(): ConflictException {
  return new ConflictException(
    errorBody(
      409,
      IDEMPOTENCY_ERROR.inProgress,
      'A request with this Idempotency-Key is still being processed; retry later',
    ),
  );
}
