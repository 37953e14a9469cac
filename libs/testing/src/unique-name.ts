import { randomBytes } from 'node:crypto';

const MAX_LENGTH = 63;

/**
 * A name no other test run uses, such as `orders_lx3k9a_4f2c1b`, for per-test Kafka topics,
 * consumer groups and PostgreSQL schemas. Only lowercase letters, digits and underscores, at most
 * 63 characters: valid as a topic name and as an unquoted PostgreSQL identifier.
 */
export function uniqueName(prefix: string): string {
  const suffix = `_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const cleanPrefix = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '');
  return (cleanPrefix || 't').slice(0, MAX_LENGTH - suffix.length) + suffix;
}
