import { STATUS_CODES } from 'node:http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One rejected input field; `field` is a path such as `accounts[0].amount`. */
export interface FieldError {
  field: string;
  reason: string;
}

/** The body of every 4xx/5xx answer of the staff API. */
export interface ErrorBody {
  statusCode: number;
  /** The HTTP reason phrase, e.g. 'Bad Request'. */
  error: string;
  /** A machine-readable code, e.g. 'validation_failed' or 'case.not_found'. */
  code: string;
  message: string;
  errors?: FieldError[];
}

// OpenAPI schemas; `type` is explicit because tsx emits no design-type metadata.
export class FieldErrorSchema implements FieldError {
  @ApiProperty({ type: String, example: 'accounts[0].amount' })
  field!: string;

  @ApiProperty({ type: String, example: 'amount must be an integer number' })
  reason!: string;
}

export class ErrorBodySchema implements ErrorBody {
  @ApiProperty({ type: Number, example: 400 })
  statusCode!: number;

  @ApiProperty({ type: String, example: 'Bad Request' })
  error!: string;

  @ApiProperty({ type: String, example: 'validation_failed' })
  code!: string;

  @ApiProperty({ type: String, example: 'Request validation failed' })
  message!: string;

  @ApiPropertyOptional({ type: FieldErrorSchema, isArray: true })
  errors?: FieldErrorSchema[];
}

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

/** 'Not Found' → 'not_found': the code of an HTTP error that names none of its own. */
export function codeForStatus(status: number): string {
  return reasonPhrase(status)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

export function errorBody(
  status: number,
  code: string,
  message: string,
  errors?: FieldError[],
): ErrorBody {
  return {
    statusCode: status,
    error: reasonPhrase(status),
    code,
    message,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
