import { createHash } from 'node:crypto';
import { StrategyDomainError, StrategyErrorCode } from './strategy-errors';

/** Big enough for any hand-written strategy, small enough to compile on the request path. */
export const MAX_DOCUMENT_BYTES = 256 * 1024;

export type DocumentFormat = 'yaml' | 'json';

/** JSON when the text parses as a JSON object; anything else is YAML (of which JSON is a subset). */
export function documentFormat(text: string): DocumentFormat {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? 'json'
      : 'yaml';
  } catch {
    return 'yaml';
  }
}

/** Hex SHA-256 of the UTF-8 text, so an auditor can match a stored version to a file. */
export function documentSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function assertDocumentSize(text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw new StrategyDomainError(
      StrategyErrorCode.DocumentTooLarge,
      `the document is ${bytes} bytes; the limit is ${MAX_DOCUMENT_BYTES} bytes (256 KiB)`,
    );
  }
}
