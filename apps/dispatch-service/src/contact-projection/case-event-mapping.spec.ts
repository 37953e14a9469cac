import { create, fromBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  caseV1,
  ConsentStatus,
  ContactChannel,
  EncryptedValueSchema,
  HoldKind,
  VulnerabilityCategory,
} from '@clement/contracts';
import {
  caseStatusName,
  contactPointsOf,
  holdOf,
  InvalidCaseEventError,
  vulnerabilityOf,
} from './case-event-mapping';

const at = (iso: string) => new Date(iso);
const encrypted = create(EncryptedValueSchema, {
  ciphertext: new Uint8Array([9, 8, 7, 6]),
  keyId: 'dk-1',
  algorithm: 'AES-256-GCM',
});

describe('case event mapping', () => {
  it('keeps each address as the serialized EncryptedValue, mapping kinds and consents', () => {
    const message = create(caseV1.ContactPointsChangedSchema, {
      debtorId: 'd-1',
      preferredLanguage: 'es-ES',
      contactPoints: [
        {
          contactPointId: 'cp-1',
          kind: caseV1.ContactPointKind.MOBILE,
          value: encrypted,
          timeZone: 'Europe/Madrid',
          preferred: true,
          consents: [
            {
              channel: ContactChannel.SMS,
              status: ConsentStatus.WITHDRAWN,
              recordedAt: timestampFromDate(at('2026-11-10T00:00:00Z')),
            },
            { channel: ContactChannel.WHATSAPP, status: ConsentStatus.GRANTED },
            { channel: ContactChannel.VOICE, status: ConsentStatus.UNSPECIFIED },
            { channel: ContactChannel.UNSPECIFIED, status: ConsentStatus.GRANTED },
          ],
        },
        { contactPointId: 'cp-2', kind: caseV1.ContactPointKind.EMAIL, value: encrypted },
      ],
    });

    const [mobile, email] = contactPointsOf(message);

    expect(mobile).toMatchObject({
      contactPointId: 'cp-1',
      kind: 'mobile',
      timeZone: 'Europe/Madrid',
      preferred: true,
      consents: [
        { channel: 'sms', status: 'withdrawn', recordedAt: at('2026-11-10T00:00:00Z') },
        { channel: 'whatsapp', status: 'granted' },
      ],
    });
    expect(fromBinary(EncryptedValueSchema, mobile!.value)).toMatchObject({
      keyId: 'dk-1',
      algorithm: 'AES-256-GCM',
      ciphertext: new Uint8Array([9, 8, 7, 6]),
    });
    expect(email).toMatchObject({ kind: 'email', preferred: false, consents: [] });
    expect(email).not.toHaveProperty('timeZone');
  });

  it.each([
    ['no id', { kind: caseV1.ContactPointKind.MOBILE, value: encrypted }],
    ['no kind', { contactPointId: 'cp-1', value: encrypted }],
    ['no value', { contactPointId: 'cp-1', kind: caseV1.ContactPointKind.EMAIL }],
  ])('rejects a contact point with %s', (_, point) => {
    const message = create(caseV1.ContactPointsChangedSchema, {
      debtorId: 'd-1',
      contactPoints: [point],
    });

    expect(() => contactPointsOf(message)).toThrow(InvalidCaseEventError);
  });

  it('maps a hold, and an unknown kind to "other"', () => {
    const placed = create(caseV1.HoldPlacedSchema, {
      caseId: 'c-1',
      debtorId: 'd-1',
      holdId: 'h-1',
      kind: HoldKind.BREATHING_SPACE,
      startsAt: timestampFromDate(at('2026-11-01T00:00:00Z')),
      endsAt: timestampFromDate(at('2026-12-31T00:00:00Z')),
    });

    expect(holdOf(placed)).toEqual({
      holdId: 'h-1',
      caseId: 'c-1',
      kind: 'breathing_space',
      startsAt: at('2026-11-01T00:00:00Z'),
      endsAt: at('2026-12-31T00:00:00Z'),
    });
    expect(holdOf({ ...placed, kind: HoldKind.UNSPECIFIED, endsAt: undefined })).toEqual({
      holdId: 'h-1',
      caseId: 'c-1',
      kind: 'other',
      startsAt: at('2026-11-01T00:00:00Z'),
    });
    expect(() => holdOf({ ...placed, holdId: '' })).toThrow(InvalidCaseEventError);
  });

  it('maps vulnerability categories; empty clears; unknown ones are invalid', () => {
    const flagged = create(caseV1.VulnerabilityFlaggedSchema, {
      debtorId: 'd-1',
      categories: [VulnerabilityCategory.HEALTH, VulnerabilityCategory.LOW_CAPABILITY],
      reviewDate: '2027-02-01',
    });

    expect(vulnerabilityOf(flagged)).toEqual({
      categories: ['health', 'low_capability'],
      reviewDate: '2027-02-01',
    });
    expect(vulnerabilityOf({ ...flagged, categories: [], reviewDate: '' })).toEqual({
      categories: [],
    });
    expect(() =>
      vulnerabilityOf({ ...flagged, categories: [VulnerabilityCategory.UNSPECIFIED] }),
    ).toThrow(InvalidCaseEventError);
    expect(() => vulnerabilityOf({ ...flagged, reviewDate: '01/02/2027' })).toThrow(
      InvalidCaseEventError,
    );
  });

  it('names case statuses as dispatch validity conditions spell them', () => {
    expect(caseStatusName(caseV1.CaseStatus.ACTIVE)).toBe('CASE_STATUS_ACTIVE');
    expect(caseStatusName(caseV1.CaseStatus.ON_HOLD)).toBe('CASE_STATUS_ON_HOLD');
    expect(() => caseStatusName(caseV1.CaseStatus.UNSPECIFIED)).toThrow(InvalidCaseEventError);
    expect(() => caseStatusName(99 as caseV1.CaseStatus)).toThrow(InvalidCaseEventError);
  });
});
