import { sendJson, type SimResponse } from '../http';
import type { StoredResponse } from './domain/idempotency';
import type { PspFailure, PspResult } from './domain/psp-objects';

export function errorBody(failure: Pick<PspFailure, 'code' | 'message' | 'param'>): {
  error: { code: string; message: string; param?: string };
} {
  return {
    error: {
      code: failure.code,
      message: failure.message,
      ...(failure.param ? { param: failure.param } : {}),
    },
  };
}

export function responseOf<T>(result: PspResult<T>): StoredResponse {
  return result.ok
    ? { status: 200, body: result.value }
    : { status: result.failure.status, body: errorBody(result.failure) };
}

export function sendResult<T>(res: SimResponse, result: PspResult<T>): void {
  const response = responseOf(result);
  sendJson(res, response.status, response.body);
}

export function sendHtml(res: SimResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(html);
}

/** 303 See Other: the browser follows with a GET. */
export function seeOther(res: SimResponse, location: string): void {
  res.statusCode = 303;
  res.setHeader('Location', location);
  res.end();
}
