import { randomUUID } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  domainErrorStatus,
  HttpErrorFilter,
  isCodedError,
  VALIDATION_FAILED,
} from '@clement/staff-api';
import { catchError, from, mergeMap, type Observable, of } from 'rxjs';
import { decide } from '../domain/decide';
import { checkIdempotencyKey } from '../domain/idempotency-key';
import type {
  IdempotencyKeyRef,
  InProgressRecord,
  StoredResponse,
} from '../domain/idempotency-record';
import { requestFingerprint } from '../domain/request-fingerprint';
import type { IdempotencyRepository } from '../persistence/idempotency.repository';
import { keyInProgress, keyInvalid, keyMissing, keyReused } from './idempotency-errors';
import type { IdempotencySettings } from './idempotency-settings';
import { IDEMPOTENCY_REPOSITORY, IDEMPOTENCY_SETTINGS } from './idempotency.tokens';

/** Set on a replayed answer, as Stripe does. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** Seconds a client should wait before retrying a request whose twin is still running. */
export const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

// Claim attempts when records vanish or change between our reads (released, taken over).
const MAX_CLAIM_ATTEMPTS = 3;

interface HttpRequest {
  method: string;
  originalUrl?: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

type Begun =
  | { readonly kind: 'run'; readonly claim: InProgressRecord }
  | { readonly kind: 'replay'; readonly response: StoredResponse };

/**
 * Runs a route at most once per Idempotency-Key (see `@Idempotent()`): the first request claims
 * the key and its answer is stored; the same request again gets that answer back; another request
 * under the key gets 422, and the same one while the first still runs gets 409. Errors the client
 * caused (4xx, except a body that failed validation) are stored like successes; a 5xx or an
 * unexpected error releases the key so the client can retry.
 *
 * Stored error bodies are built by `HttpErrorFilter`, so they are the bodies the filter sends.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private readonly errorBodies: HttpErrorFilter;

  constructor(
    @Inject(IDEMPOTENCY_REPOSITORY) private readonly repository: IdempotencyRepository,
    @Inject(IDEMPOTENCY_SETTINGS) private readonly settings: IdempotencySettings,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    this.errorBodies = new HttpErrorFilter(adapterHost);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') {
      return next.handle();
    }
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<unknown>();
    return from(this.begin(request, response)).pipe(
      mergeMap((begun) =>
        begun.kind === 'replay'
          ? this.replay(response, begun.response)
          : this.run(begun.claim, request, response, next),
      ),
    );
  }

  private async begin(request: HttpRequest, response: unknown): Promise<Begun> {
    const check = checkIdempotencyKey(request.headers['idempotency-key']);
    if (!check.valid) {
      throw check.missing ? keyMissing(check.reason) : keyInvalid(check.reason);
    }
    const ref: IdempotencyKeyRef = { scope: this.settings.scope(request), key: check.key };
    const fingerprint = requestFingerprint({
      method: request.method,
      path: pathOf(request),
      body: request.body,
    });

    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt += 1) {
      const claim = this.newClaim(ref, fingerprint);
      if (await this.repository.claim(claim)) {
        return { kind: 'run', claim };
      }
      const existing = await this.repository.find(ref);
      if (existing === undefined) {
        continue; // released since our insert: claim again
      }
      const decision = decide(existing, fingerprint, claim.lockedAt, this.settings.lockTimeoutMs);
      switch (decision.kind) {
        case 'proceed':
          continue;
        case 'replay':
          return { kind: 'replay', response: decision.response };
        case 'mismatch':
          throw keyReused();
        case 'conflict':
          this.setHeader(response, 'Retry-After', String(IN_PROGRESS_RETRY_AFTER_SECONDS));
          throw keyInProgress();
        case 'takeover':
          if (await this.repository.takeOver(existing.lockToken, claim)) {
            if (decision.reason === 'stale_lock') {
              this.logger.warn(
                `${describe(request)}: took over key of scope ${ref.scope} whose claim of ${existing.lockedAt.toISOString()} never finished`,
              );
            }
            return { kind: 'run', claim };
          }
          continue; // another request was faster: look again
      }
    }
    this.setHeader(response, 'Retry-After', String(IN_PROGRESS_RETRY_AFTER_SECONDS));
    throw keyInProgress();
  }

  private newClaim(ref: IdempotencyKeyRef, fingerprint: string): InProgressRecord {
    const now = this.settings.clock();
    return {
      ...ref,
      fingerprint,
      status: 'in_progress',
      lockToken: randomUUID(),
      lockedAt: now,
      expiresAt: new Date(now.getTime() + this.settings.retentionMs),
    };
  }

  private replay(response: unknown, stored: StoredResponse): Observable<unknown> {
    this.adapterHost.httpAdapter.status(response, stored.status);
    this.setHeader(response, IDEMPOTENT_REPLAYED_HEADER, 'true');
    return of(stored.body);
  }

  private run(
    claim: InProgressRecord,
    request: HttpRequest,
    response: unknown,
    next: CallHandler,
  ): Observable<unknown> {
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        await this.complete(claim, { status: statusOf(response), body }, request);
        return body;
      }),
      catchError(async (error: unknown) => {
        const stored = this.storableError(error, request);
        if (stored === undefined) {
          await this.release(claim, request);
        } else {
          await this.complete(claim, stored, request);
        }
        throw error;
      }),
    );
  }

  /**
   * The answer to keep for an error: 4xx bodies as the filter renders them. Not a body that failed
   * validation (the route never ran, as Stripe has it), nor a 5xx or an unexpected error.
   */
  private storableError(error: unknown, request: HttpRequest): StoredResponse | undefined {
    let status: number | undefined;
    if (error instanceof HttpException) {
      status = error.getStatus();
    } else if (isCodedError(error)) {
      status = domainErrorStatus(error.code);
    }
    if (status === undefined || status < 400 || status >= 500) {
      return undefined;
    }
    const body = this.errorBodies.toBody(error, request);
    return body.code === VALIDATION_FAILED ? undefined : { status: body.statusCode, body };
  }

  /** Failing to store an answer the client gets anyway must not turn it into an error. */
  private async complete(
    claim: InProgressRecord,
    answer: StoredResponse,
    request: HttpRequest,
  ): Promise<void> {
    try {
      const now = this.settings.clock();
      const expiresAt = new Date(now.getTime() + this.settings.retentionMs);
      if (!(await this.repository.complete(claim, claim.lockToken, answer, now, expiresAt))) {
        this.logger.warn(
          `${describe(request)}: the claim on a key of scope ${claim.scope} was taken over; its answer is not stored`,
        );
      }
    } catch (error: unknown) {
      // The key stays claimed: retries get 409 until the lock times out.
      this.logger.error(`${describe(request)}: storing the answer failed: ${messageOf(error)}`);
    }
  }

  private async release(claim: InProgressRecord, request: HttpRequest): Promise<void> {
    try {
      await this.repository.release(claim, claim.lockToken);
    } catch (error: unknown) {
      this.logger.error(`${describe(request)}: releasing the key failed: ${messageOf(error)}`);
    }
  }

  private setHeader(response: unknown, name: string, value: string): void {
    this.adapterHost.httpAdapter.setHeader(response, name, value);
  }
}

/** The URL path without the query string. */
function pathOf(request: HttpRequest): string {
  return (request.originalUrl ?? request.url).split('?')[0] ?? '';
}

function statusOf(response: unknown): number {
  const { statusCode } = response as { statusCode?: unknown };
  return typeof statusCode === 'number' ? statusCode : 200;
}

/** Method and path only, for logs: query strings, bodies and keys stay out. */
function describe(request: HttpRequest): string {
  return `${request.method} ${pathOf(request)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
