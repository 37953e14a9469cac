import {
  EU_ES,
  JURISDICTION_PRESETS,
  UK_FCA,
  US_REG_F,
  mergePolicy,
  policyFor,
  validatePolicy,
} from './policy';
import { policyLoosenings } from './loosenings';

describe('jurisdiction presets', () => {
  it.each(Object.entries(JURISDICTION_PRESETS))('%s is valid and keyed by its name', (key, p) => {
    expect(validatePolicy(p)).toEqual([]);
    expect(p.jurisdiction).toBe(key);
  });

  it('encode Regulation F: 7 calls in 7 days, none within 7 days after a conversation', () => {
    expect(US_REG_F.frequencyCaps).toContainEqual({
      id: 'voice.7d',
      channels: ['voice'],
      max: 7,
      windowDays: 7,
    });
    expect(US_REG_F.conversationRules[0]).toMatchObject({ channels: ['voice'], quietDays: 7 });
  });

  it('differ where the jurisdictions differ', () => {
    expect(UK_FCA.contactWindow.days).not.toContain('sun');
    expect(EU_ES.contactWindow).toMatchObject({
      start: '09:00',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    });
  });
});

describe('mergePolicy', () => {
  it('replaces caps by id, adds new ones, and leaves the preset untouched', () => {
    const before = JSON.stringify(US_REG_F);
    const merged = mergePolicy(US_REG_F, {
      frequencyCaps: [
        { id: 'voice.7d', channels: ['voice'], max: 4, windowDays: 7 },
        { id: 'voice.1d', channels: ['voice'], max: 1, windowDays: 1 },
      ],
      contactWindow: { end: '20:00' },
    });
    expect(merged.frequencyCaps.filter((c) => c.id === 'voice.7d')).toEqual([
      { id: 'voice.7d', channels: ['voice'], max: 4, windowDays: 7 },
    ]);
    expect(merged.frequencyCaps.map((c) => c.id)).toContain('voice.1d');
    expect(merged.frequencyCaps.map((c) => c.id)).toContain('sms.7d');
    expect(merged.contactWindow).toEqual({ ...US_REG_F.contactWindow, end: '20:00' });
    expect(JSON.stringify(US_REG_F)).toBe(before);
  });

  it('merges per-category vulnerability rules key by key', () => {
    const merged = mergePolicy(UK_FCA, {
      vulnerability: { byCategory: { low_capability: { blockedChannels: ['email'] } } },
    });
    expect(merged.vulnerability.byCategory.low_capability).toEqual({ blockedChannels: ['email'] });
    expect(merged.vulnerability.byCategory.health).toEqual(UK_FCA.vulnerability.byCategory.health);
    expect(merged.vulnerability.capMultiplier).toBe(0.5);
  });

  it('policyFor knows the presets and nothing else', () => {
    expect(policyFor('EU_ES')).toEqual(EU_ES);
    expect(policyFor('FR')).toBeUndefined();
  });

  it('validatePolicy explains what is wrong', () => {
    const broken = mergePolicy(US_REG_F, {
      fallbackTimeZones: ['Nowhere/Land'],
      vulnerability: { capMultiplier: 2 },
    });
    expect(validatePolicy(broken)).toEqual([
      'fallback time zone Nowhere/Land is unknown',
      'vulnerability.capMultiplier must be in (0, 1]',
    ]);
  });

  it('validatePolicy checks the lists a configuration file may get wrong', () => {
    const broken = mergePolicy(UK_FCA, {
      frequencyCaps: [{ id: 'x', channels: ['fax'] as never, max: 1, windowDays: 1 }],
      holds: { dispute: { allowedPurposes: ['gossip'] as never } },
      workplaceAllowed: 'email' as never,
    });
    expect(validatePolicy(broken)).toEqual([
      "cap x: channels must be 'all' or a list of channels",
      'holds.dispute.allowedPurposes must be a list of purposes',
      'workplaceAllowed must be a list of channels',
    ]);
  });
});

describe('policyLoosenings', () => {
  it('finds nothing in a preset or a tightening override', () => {
    expect(policyLoosenings(US_REG_F, US_REG_F)).toEqual([]);
    const tighter = mergePolicy(US_REG_F, {
      contactWindow: { start: '09:00', end: '20:00' },
      frequencyCaps: [{ id: 'sms.7d', channels: ['sms'], max: 2, windowDays: 7 }],
      vulnerability: { capMultiplier: 0.25 },
    });
    expect(policyLoosenings(US_REG_F, tighter)).toEqual([]);
  });

  it('lists every way an override is less protective', () => {
    const looser = mergePolicy(UK_FCA, {
      contactWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
      channelWindows: { sms: null },
      consentRequired: [],
      workplaceAllowed: ['email'],
      frequencyCaps: [{ id: 'sms.7d', channels: ['sms'], max: 5, windowDays: 7 }],
      holds: { dispute: { allowedPurposes: ['confirmation', 'reminder'] } },
      vulnerability: { requireSupportiveTone: false, byCategory: { health: {} } },
      whatsapp: { freeFormWindowHours: 48 },
    });
    expect(policyLoosenings(UK_FCA, looser)).toEqual([
      'contact window for sms',
      'contact window for whatsapp',
      'contact window for email',
      'contact window for voice',
      'consent no longer required for whatsapp',
      'work addresses allowed for email',
      'frequency cap sms.7d',
      'dispute hold allows reminder',
      'supportive tone',
      'vulnerability rules for health',
      'WhatsApp free-form window',
    ]);
  });
});
