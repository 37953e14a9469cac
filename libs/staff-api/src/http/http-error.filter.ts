import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { domainErrorStatus, isCodedError } from './domain-error-status';
import { codeForStatus, type ErrorBody, errorBody, type FieldError } from './error-body';

const INTERNAL_ERROR = 500;
const GENERIC_MESSAGE = 'An unexpected error occurred';

/**
 * Answers every failed HTTP request with an `ErrorBody`: HTTP exceptions keep their status,
 * domain errors (an `Error` with a string `code`) get theirs from `DOMAIN_ERROR_STATUS`, and
 * anything else is a 500 whose details go to the log, never to the caller.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      // Kafka handlers decide retry vs dead-letter themselves; an HTTP body means nothing there.
      throw exception;
    }
    const { httpAdapter } = this.adapterHost;
    const http = host.switchToHttp();
    const request: unknown = http.getRequest();
    const response: unknown = http.getResponse();
    const body = this.toBody(exception, request);
    if (httpAdapter.isHeadersSent(response)) {
      httpAdapter.end(response);
      return;
    }
    httpAdapter.reply(response, body, body.statusCode);
  }

  toBody(exception: unknown, request?: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      return this.fromHttpException(exception, request);
    }
    const httpError = asExposedHttpError(exception);
    if (httpError) {
      return errorBody(httpError.status, codeForStatus(httpError.status), httpError.message);
    }
    if (isCodedError(exception)) {
      const status = domainErrorStatus(exception.code);
      if (status !== undefined) {
        return errorBody(status, exception.code, exception.message);
      }
    }
    this.logUnexpected(exception, request);
    return errorBody(INTERNAL_ERROR, 'internal_error', GENERIC_MESSAGE);
  }

  private fromHttpException(exception: HttpException, request: unknown): ErrorBody {
    const status = exception.getStatus();
    if (status >= INTERNAL_ERROR) {
      this.logUnexpected(exception, request);
    }
    const response = exception.getResponse();
    const fields = typeof response === 'object' && response !== null ? response : {};
    const { code, message, errors } = fields as Record<string, unknown>;
    return errorBody(
      status,
      typeof code === 'string' ? code : codeForStatus(status),
      status === INTERNAL_ERROR ? GENERIC_MESSAGE : messageOf(message, exception),
      isFieldErrors(errors) ? errors : undefined,
    );
  }

  /** Method and path only: query strings and bodies may carry personal data. */
  private logUnexpected(exception: unknown, request: unknown): void {
    const { method, path } = describeRequest(request);
    const stack = exception instanceof Error ? exception.stack : undefined;
    const what =
      exception instanceof Error ? `${exception.name}: ${exception.message}` : typeof exception;
    this.logger.error(`${method} ${path} failed: ${what}`, stack);
  }
}

function messageOf(message: unknown, exception: HttpException): string {
  if (typeof message === 'string') {
    return message;
  }
  if (Array.isArray(message) && message.every((item) => typeof item === 'string')) {
    return message.join('; ');
  }
  return exception.message;
}

function isFieldErrors(value: unknown): value is FieldError[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as FieldError).field === 'string' &&
        typeof (item as FieldError).reason === 'string',
    )
  );
}

/**
 * An "http-errors" error meant for the client (e.g. body-parser's 413), which reaches filters
 * unmapped. Only those with `expose: true` keep their message; the library sets it for 4xx only.
 */
function asExposedHttpError(error: unknown): { status: number; message: string } | undefined {
  if (!(error instanceof Error)) {
    return undefined;
  }
  const { status, statusCode, expose } = error as Error & {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
  };
  const code = typeof statusCode === 'number' ? statusCode : status;
  if (expose !== true || typeof code !== 'number' || code < 400 || code >= 500) {
    return undefined;
  }
  return { status: code, message: error.message };
}

function describeRequest(request: unknown): { method: string; path: string } {
  const { method, originalUrl, url } = (request ?? {}) as Record<string, unknown>;
  const target = typeof originalUrl === 'string' ? originalUrl : url;
  return {
    method: typeof method === 'string' ? method : '?',
    path: typeof target === 'string' ? (target.split('?')[0] ?? '') : '?',
  };
}
