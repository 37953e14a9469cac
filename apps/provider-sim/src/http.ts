import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Express's request as far as the simulator reads it (platform-express, body already parsed). */
export type SimRequest = IncomingMessage & { body?: unknown; query?: Record<string, unknown> };
export type SimResponse = ServerResponse;

export function sendJson(
  res: SimResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(JSON.stringify(body));
}

export function bodyOf(req: SimRequest): Record<string, unknown> {
  const body = req.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** True when `Authorization: Bearer <token>` carries exactly `expected` (constant-time). */
export function hasBearerToken(authorization: string | undefined, expected: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '');
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
