import { readFile } from 'node:fs/promises';

export interface BearerTokenSourceOptions {
  /** A fixed token (local runs). */
  token?: string;
  /** A file holding the token, e.g. a Kubernetes projected service-account token. */
  tokenFile?: string;
  /** How long a token read from the file is used before the file is read again; default 60 s. */
  refreshIntervalMs?: number;
  /** Milliseconds since the epoch; injected for tests. */
  now?: () => number;
}

const DEFAULT_REFRESH_INTERVAL_MS = 60_000;

/**
 * The bearer token for calls to case-service. Projected tokens rotate (the kubelet rewrites the
 * file well before expiry), so the file is read again at most every `refreshIntervalMs`.
 */
export function bearerTokenSource(options: BearerTokenSourceOptions): () => Promise<string> {
  const { token, tokenFile } = options;
  if ((token === undefined || token === '') === (tokenFile === undefined || tokenFile === '')) {
    throw new Error('bearerTokenSource: give either a token or a token file');
  }
  if (token !== undefined && token !== '') {
    return () => Promise.resolve(token);
  }
  const file = tokenFile as string;
  const refreshIntervalMs = options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let current: { token: string; readAt: number } | undefined;
  let reading: Promise<string> | undefined;

  const read = async (): Promise<string> => {
    try {
      const content = (await readFile(file, 'utf8')).trim();
      if (content === '') throw new Error('the token file is empty');
      current = { token: content, readAt: now() };
      return content;
    } catch (error: unknown) {
      // Keep using the last token through a failed re-read; case-service says when it expired.
      if (current) return current.token;
      throw new Error(`bearerTokenSource: cannot read the token file ${file}`, { cause: error });
    } finally {
      reading = undefined;
    }
  };

  return () => {
    if (current && now() - current.readAt < refreshIntervalMs) {
      return Promise.resolve(current.token);
    }
    reading ??= read();
    return reading;
  };
}
