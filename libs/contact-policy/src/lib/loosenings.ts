import { type ContactWindow, parseClock } from './local-time';
import type { ContactPolicy } from './policy';
import { CHANNELS, HOLD_KINDS, VULNERABILITY_CATEGORIES } from './types';

const missingFrom = <T>(from: readonly T[], inside: readonly T[] = []): T[] =>
  from.filter((item) => !inside.includes(item));

function wider(base: ContactWindow | null, merged: ContactWindow | null): boolean {
  if (base === null) return false;
  if (merged === null) return true;
  return (
    (parseClock(merged.start) ?? 0) < (parseClock(base.start) ?? 0) ||
    (parseClock(merged.end) ?? 0) > (parseClock(base.end) ?? 0) ||
    missingFrom(merged.days, base.days).length > 0
  );
}

/**
 * Where `policy` (a preset with tenant overrides) is less protective than `preset`. Overrides
 * may loosen a preset on purpose (e.g. a debtor-agreed work email), so this does not forbid
 * anything: it lists what a compliance officer must approve before the override goes live.
 */
export function policyLoosenings(preset: ContactPolicy, policy: ContactPolicy): string[] {
  const found: string[] = [];
  for (const channel of CHANNELS) {
    const windowOf = (p: ContactPolicy) =>
      channel in p.channelWindows ? (p.channelWindows[channel] ?? null) : p.contactWindow;
    if (wider(windowOf(preset), windowOf(policy))) found.push(`contact window for ${channel}`);
  }
  for (const channel of missingFrom(preset.consentRequired, policy.consentRequired)) {
    found.push(`consent no longer required for ${channel}`);
  }
  for (const channel of missingFrom(policy.workplaceAllowed, preset.workplaceAllowed)) {
    found.push(`work addresses allowed for ${channel}`);
  }
  for (const cap of preset.frequencyCaps) {
    const now = policy.frequencyCaps.find((c) => c.id === cap.id);
    const sameChannels = JSON.stringify(now?.channels) === JSON.stringify(cap.channels);
    if (!now || now.max > cap.max || now.windowDays < cap.windowDays || !sameChannels) {
      found.push(`frequency cap ${cap.id}`);
    }
  }
  for (const rule of preset.conversationRules) {
    const now = policy.conversationRules.find((r) => r.id === rule.id);
    if (!now || now.quietDays < rule.quietDays || missingFrom(rule.channels, now.channels).length) {
      found.push(`conversation rule ${rule.id}`);
    }
  }
  for (const kind of HOLD_KINDS) {
    const added = missingFrom(
      policy.holds[kind].allowedPurposes,
      preset.holds[kind].allowedPurposes,
    );
    if (added.length > 0) found.push(`${kind} hold allows ${added.join(', ')}`);
  }
  const [was, is] = [preset.vulnerability, policy.vulnerability];
  if (is.capMultiplier > was.capMultiplier) found.push('vulnerability cap multiplier');
  if (was.requireSupportiveTone && !is.requireSupportiveTone) found.push('supportive tone');
  if (missingFrom(was.blockedPurposes, is.blockedPurposes).length > 0) {
    found.push('vulnerability blocked purposes');
  }
  for (const category of VULNERABILITY_CATEGORIES) {
    const [before, after] = [was.byCategory[category], is.byCategory[category]];
    if (
      missingFrom(before?.blockedPurposes ?? [], after?.blockedPurposes).length > 0 ||
      missingFrom(before?.blockedChannels ?? [], after?.blockedChannels).length > 0
    ) {
      found.push(`vulnerability rules for ${category}`);
    }
  }
  if (policy.whatsapp.freeFormWindowHours > preset.whatsapp.freeFormWindowHours) {
    found.push('WhatsApp free-form window');
  }
  return found;
}
