import { readFileSync } from 'node:fs';
import { fromJson, toBinary, type JsonValue } from '@bufbuild/protobuf';
import { schemaForType } from '@clement/contracts';
import { UsageError } from '../kafka-from-env';

/**
 * A corrected payload for a replay, given as the protobuf JSON mapping of the event type, and
 * encoded to protobuf binary (what internal topics carry).
 */
export function encodeCorrectedPayload(eventType: string | undefined, jsonFile: string): Buffer {
  if (!eventType)
    throw new UsageError('the dead letter has no ce_type; pass --header ce_type=<type> as well');
  const schema = schemaForType(eventType);
  if (!schema) throw new UsageError(`unknown event type ${eventType}`);
  let json: JsonValue;
  try {
    json = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonValue;
  } catch (error) {
    throw new UsageError(`cannot read ${jsonFile} as JSON: ${(error as Error).message}`);
  }
  try {
    return Buffer.from(toBinary(schema, fromJson(schema, json)));
  } catch (error) {
    throw new UsageError(`${jsonFile} is not a valid ${eventType}: ${(error as Error).message}`);
  }
}

/** Parses repeated `--header name=value` options. */
export function parseHeaderOptions(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new UsageError(`--header expects name=value, got "${value}"`);
    headers[value.slice(0, at)] = value.slice(at + 1);
  }
  return headers;
}
