/**
 * Deterministic ids and champion/challenger assignment. Ids derive from (tenant, case, seq) so a
 * replayed event yields the same decision, dispatch and task ids; node:crypto hashing is pure.
 */
import { createHash } from 'node:crypto';
import type { Arm } from './engine-types';

/** Namespace for Clement strategy ids (a fixed random UUID). */
const NAMESPACE = Buffer.from('6f1c2b8e4d3a4f0e9b7c5a1d2e3f4a5b', 'hex');

/** A name-based UUID (RFC 9562 version 5: SHA-1 over namespace + name). */
export function uuidFromName(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type DerivedIdKind = 'decision' | 'dispatch' | 'task';

export function derivedId(
  kind: DerivedIdKind,
  tenantId: string,
  caseId: string,
  seq: number,
): string {
  return uuidFromName(`${kind}/${tenantId}/${caseId}/${seq}`);
}

/** The case's bucket 0..9999 in an experiment: the first 4 bytes of sha256(key:caseId), mod 10 000. */
export function assignmentBucket(caseId: string, experimentKey: string): number {
  return (
    createHash('sha256').update(`${experimentKey}:${caseId}`, 'utf8').digest().readUInt32BE(0) %
    10_000
  );
}

/** Challenger when the case's bucket falls under the share (basis points, 0..10 000). */
export function assignArm(caseId: string, experimentKey: string, shareBps: number): Arm {
  return assignmentBucket(caseId, experimentKey) < shareBps ? 'challenger' : 'champion';
}

/** The experiment key of an active strategy: the champion's id@version. */
export function experimentKeyOf(ref: { strategyId: string; version: number }): string {
  return `${ref.strategyId}@${ref.version}`;
}
