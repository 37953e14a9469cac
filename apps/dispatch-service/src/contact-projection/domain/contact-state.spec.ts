import {
  type ContactProposal,
  evaluateContact,
  EU_ES,
  type DebtorContactState,
} from '@clement/contact-policy';
import { contactStateFor, policyContactPointOf } from './contact-state';
import type { ContactPointRecord, DebtorProjection, HoldRecord } from './debtor-projection';

const NOW = new Date('2026-11-30T12:00:00Z');
const at = (iso: string) => new Date(iso);

function projection(overrides: Partial<DebtorProjection> = {}): DebtorProjection {
  return {
    debtorId: 'debtor-1',
    contactPoints: [],
    holds: [],
    vulnerability: { categories: [] },
    ...overrides,
  };
}

function point(overrides: Partial<ContactPointRecord> = {}): ContactPointRecord {
  return {
    contactPointId: 'cp-mobile',
    kind: 'mobile',
    value: new Uint8Array([1, 2, 3]),
    consents: [],
    preferred: true,
    ...overrides,
  };
}

function hold(overrides: Partial<HoldRecord> = {}): HoldRecord {
  return { holdId: 'h-1', caseId: 'case-1', kind: 'dispute', ...overrides };
}

const state = (p: DebtorProjection, options: { caseId?: string } = {}): DebtorContactState =>
  contactStateFor(p, NOW, { jurisdiction: 'EU_ES', ...options });

describe('contactStateFor', () => {
  it('maps an empty projection to an empty state of the jurisdiction', () => {
    expect(state(projection())).toEqual({
      jurisdiction: 'EU_ES',
      holds: [],
      vulnerabilities: [],
      optEvents: [],
      timeZones: [],
    });
  });

  it('keeps only holds in force at now', () => {
    const holds = [
      hold({ holdId: 'open', kind: 'dispute', startsAt: at('2026-11-01T00:00:00Z') }),
      hold({ holdId: 'lifted', kind: 'insolvency', liftedAt: at('2026-11-29T00:00:00Z') }),
      hold({ holdId: 'lifted-later', kind: 'deceased', liftedAt: at('2026-12-01T00:00:00Z') }),
      hold({ holdId: 'future', kind: 'cease_and_desist', startsAt: at('2026-12-01T00:00:00Z') }),
      hold({ holdId: 'ended', kind: 'breathing_space', endsAt: NOW }),
      hold({
        holdId: 'running',
        kind: 'breathing_space',
        startsAt: at('2026-11-20T00:00:00Z'),
        endsAt: at('2027-01-19T00:00:00Z'),
      }),
    ];

    expect(state(projection({ holds })).holds).toEqual([
      { kind: 'dispute', startsAt: at('2026-11-01T00:00:00Z') },
      { kind: 'deceased' },
      {
        kind: 'breathing_space',
        startsAt: at('2026-11-20T00:00:00Z'),
        endsAt: at('2027-01-19T00:00:00Z'),
      },
    ]);
  });

  it('treats a hold of unknown kind as "other" (fail closed)', () => {
    expect(state(projection({ holds: [hold({ kind: undefined })] })).holds).toEqual([
      { kind: 'other' },
    ]);
  });

  it('for one case, keeps that case’s holds and the person-wide ones of other cases', () => {
    const holds = [
      hold({ holdId: 'a', caseId: 'case-1', kind: 'dispute' }),
      hold({ holdId: 'b', caseId: 'case-2', kind: 'dispute' }),
      hold({ holdId: 'c', caseId: 'case-2', kind: 'other' }),
      hold({ holdId: 'd', caseId: 'case-2', kind: 'insolvency' }),
      hold({ holdId: 'e', caseId: 'case-3', kind: 'breathing_space' }),
      hold({ holdId: 'f', caseId: 'case-3', kind: 'cease_and_desist' }),
      hold({ holdId: 'g', caseId: 'case-3', kind: 'deceased' }),
    ];

    expect(state(projection({ holds }), { caseId: 'case-1' }).holds.map((h) => h.kind)).toEqual([
      'dispute',
      'insolvency',
      'breathing_space',
      'cease_and_desist',
      'deceased',
    ]);
    expect(state(projection({ holds })).holds).toHaveLength(7);
  });

  it('passes the vulnerability categories, once each', () => {
    const p = projection({
      vulnerability: { categories: ['health', 'life_event', 'health'], reviewDate: '2027-01-01' },
    });

    expect(state(p).vulnerabilities).toEqual(['health', 'life_event']);
  });

  it('collects the distinct zones of the contact points', () => {
    const p = projection({
      contactPoints: [
        point({ contactPointId: 'a', timeZone: 'Europe/Madrid' }),
        point({ contactPointId: 'b', kind: 'email', timeZone: 'Atlantic/Canary' }),
        point({ contactPointId: 'c', kind: 'landline', timeZone: 'Europe/Madrid' }),
        point({ contactPointId: 'd', kind: 'postal' }),
      ],
    });

    expect(state(p).timeZones).toEqual(['Atlantic/Canary', 'Europe/Madrid']);
  });

  it('turns dated consents into opt events in time order, merged with dispatch’s own', () => {
    const p = projection({
      contactPoints: [
        point({
          consents: [
            { channel: 'sms', status: 'withdrawn', recordedAt: at('2026-11-10T00:00:00Z') },
            { channel: 'whatsapp', status: 'granted', recordedAt: at('2026-11-01T00:00:00Z') },
            { channel: 'voice', status: 'withdrawn' },
          ],
        }),
      ],
    });

    const result = contactStateFor(p, NOW, {
      jurisdiction: 'EU_ES',
      optEvents: [{ kind: 'opt_in', channel: 'sms', at: at('2026-11-20T00:00:00Z') }],
      lastInboundWhatsAppAt: at('2026-11-30T10:00:00Z'),
    });

    expect(result.optEvents).toEqual([
      {
        kind: 'opt_in',
        channel: 'whatsapp',
        contactPointId: 'cp-mobile',
        at: at('2026-11-01T00:00:00Z'),
      },
      {
        kind: 'opt_out',
        channel: 'sms',
        contactPointId: 'cp-mobile',
        at: at('2026-11-10T00:00:00Z'),
      },
      { kind: 'opt_in', channel: 'sms', at: at('2026-11-20T00:00:00Z') },
    ]);
    expect(result.lastInboundWhatsAppAt).toEqual(at('2026-11-30T10:00:00Z'));
  });

  it('is what evaluateContact takes: a withdrawn SMS consent blocks, an active hold blocks', () => {
    const mobile = point({
      timeZone: 'Europe/Madrid',
      consents: [{ channel: 'sms', status: 'withdrawn', recordedAt: at('2026-11-10T00:00:00Z') }],
    });
    const proposal = (contactPoint: ContactPointRecord): ContactProposal => ({
      tenantId: 'acme',
      debtorId: 'debtor-1',
      channel: 'sms',
      contactPoint: policyContactPointOf(contactPoint),
      purpose: 'reminder',
      tone: 'standard',
    });
    const policy = EU_ES;
    const history = { attempts: [], conversations: [] };

    const optedOut = evaluateContact(
      proposal(mobile),
      state(projection({ contactPoints: [mobile] })),
      history,
      NOW,
      policy,
    );
    const held = evaluateContact(
      proposal(point({ timeZone: 'Europe/Madrid' })),
      state(projection({ contactPoints: [mobile], holds: [hold()] })),
      history,
      NOW,
      policy,
    );
    const free = evaluateContact(
      proposal(point({ timeZone: 'Europe/Madrid' })),
      state(projection({ contactPoints: [point({ timeZone: 'Europe/Madrid' })] })),
      history,
      NOW,
      policy,
    );

    expect(optedOut.outcome).toBe('block');
    expect(held.outcome).toBe('block');
    expect(held.reasons.map((r) => r.code)).toContain('hold.dispute');
    // 2026-11-30 is a Monday, 13:00 in Madrid: inside the Spanish window.
    expect(free.outcome).toBe('send');
  });
});

describe('policyContactPointOf', () => {
  it('keeps the latest consent per channel; an undated one only when nothing else is known', () => {
    const record = point({
      consents: [
        { channel: 'sms', status: 'granted', recordedAt: at('2026-11-01T00:00:00Z') },
        { channel: 'sms', status: 'withdrawn', recordedAt: at('2026-11-05T00:00:00Z') },
        { channel: 'email', status: 'withdrawn' },
        { channel: 'whatsapp', status: 'granted', recordedAt: at('2026-11-02T00:00:00Z') },
        { channel: 'whatsapp', status: 'withdrawn' },
      ],
    });

    expect(policyContactPointOf(record)).toEqual({
      id: 'cp-mobile',
      kind: 'mobile',
      usage: 'unknown',
      consents: {
        sms: { status: 'withdrawn', recordedAt: at('2026-11-05T00:00:00Z') },
        email: { status: 'withdrawn' },
        whatsapp: { status: 'granted', recordedAt: at('2026-11-02T00:00:00Z') },
      },
    });
  });
});
