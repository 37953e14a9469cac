import {
  BadRequestException,
  Body,
  Query,
  type Type,
  ValidationPipe,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import type { ValidationError } from 'class-validator';
import { errorBody, type FieldError } from './error-body';

export const VALIDATION_FAILED = 'validation_failed';

/**
 * The service's validation: unknown properties are rejected (not silently dropped), payloads are
 * turned into DTO instances, and failures answer 400 with one entry per failed constraint.
 */
export function validationPipe(overrides: ValidationPipeOptions = {}): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Values are never echoed back: they may be personal data.
    validationError: { target: false, value: false },
    exceptionFactory: validationException,
    ...overrides,
  });
}

export function validationException(errors: ValidationError[]): BadRequestException {
  return new BadRequestException(
    errorBody(400, VALIDATION_FAILED, 'Request validation failed', fieldErrors(errors)),
  );
}

/** Flattens class-validator's tree into `{ field: 'accounts[0].amount', reason }` entries. */
export function fieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = joinPath(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) {
    return `${parent}[${property}]`;
  }
  return parent === '' ? property : `${parent}.${property}`;
}

/**
 * `@Body()` that validates against `type` even without design-type metadata (tsx/esbuild emits
 * none, so a plain `@Body() dto: Dto` would skip validation there) and documents the body.
 */
export function ValidBody(type: Type<unknown>): ParameterDecorator {
  const body = Body(validationPipe({ expectedType: type }));
  return (target, key, index) => {
    body(target, key, index);
    if (key !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (descriptor) {
        ApiBody({ type })(target, key, descriptor);
      }
    }
  };
}

/** `@Query()` counterpart of `ValidBody`, for a DTO holding all query parameters. */
export function ValidQuery(type: Type<unknown>): ParameterDecorator {
  return Query(validationPipe({ expectedType: type }));
}
