import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
} from '@nestjs/common';

/** The project's error body (`{ statusCode, error, code, message }`), as the other services answer. */
function body(status: number, error: string, code: string, message: string) {
  return { statusCode: status, error, code, message };
}

/** One answer for forged, missing and stale: the caller learns nothing about which check failed. */
export function signatureRejected(): HttpException {
  return new ForbiddenException(
    body(
      403,
      'Forbidden',
      'webhook.signature_invalid',
      'The webhook signature is missing or invalid',
    ),
  );
}

export function invalidPayload(message: string): HttpException {
  return new BadRequestException(body(400, 'Bad Request', 'webhook.invalid_payload', message));
}

export function rawBodyUnavailable(): HttpException {
  return new InternalServerErrorException(
    body(500, 'Internal Server Error', 'internal_error', 'An unexpected error occurred'),
  );
}
