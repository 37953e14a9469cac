import { applyDecorators, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorBodySchema } from '@clement/staff-api';
import { IDEMPOTENCY_KEY_HEADER, MAX_IDEMPOTENCY_KEY_LENGTH } from '../domain/idempotency-key';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * Makes a route idempotent: it requires an `Idempotency-Key` header and runs at most once per key
 * (see `IdempotencyInterceptor`). Needs `IdempotencyModule.forRoot` in the application.
 */
export const Idempotent = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: true,
      description:
        'A unique key per operation (1–255 visible ASCII characters, e.g. a UUID). Retrying with ' +
        'the same key and body returns the first answer, with `Idempotent-Replayed: true`.',
      schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
    }),
    ApiBadRequestResponse({
      description: 'Missing or invalid Idempotency-Key, or an invalid body',
      type: ErrorBodySchema,
    }),
    ApiConflictResponse({
      description: 'A request with this key is still being processed (see Retry-After)',
      type: ErrorBodySchema,
    }),
    ApiUnprocessableEntityResponse({
      description: 'The key was already used for a different request',
      type: ErrorBodySchema,
    }),
  );
