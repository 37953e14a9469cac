/** Why a DATABASE_URL cannot be used; the message never contains the URL (it holds a password). */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

const PROTOCOLS = new Set(['postgres:', 'postgresql:']);

/** Validates a PostgreSQL connection URL and returns it parsed. */
export function parseDatabaseUrl(value: string | undefined, variable = 'DATABASE_URL'): URL {
  if (value === undefined || value.trim() === '') {
    throw new DatabaseUrlError(`${variable} is not set`);
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new DatabaseUrlError(`${variable} is not a valid URL`);
  }
  if (!PROTOCOLS.has(url.protocol)) {
    throw new DatabaseUrlError(
      `${variable} must start with postgres:// or postgresql:// (got ${url.protocol}//)`,
    );
  }
  if (url.hostname === '') {
    throw new DatabaseUrlError(`${variable} has no host`);
  }
  if (url.pathname.replace(/^\//, '') === '') {
    throw new DatabaseUrlError(`${variable} has no database name`);
  }
  return url;
}

/** user@host:port/database, for log lines: no password, no query parameters. */
export function describeDatabaseUrl(url: URL): string {
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${url.protocol}//${user}${url.host}${url.pathname}`;
}
