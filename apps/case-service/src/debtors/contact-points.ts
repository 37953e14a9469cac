import { create, fromBinary, fromJson, toJson } from '@bufbuild/protobuf';
import {
  caseV1,
  ChannelConsentSchema,
  ContactPointSource,
  crmV1,
  EncryptedValueSchema,
  PostalAddressSchema,
} from '@clement/contracts';
import { toBinary } from '@bufbuild/protobuf';
import { randomUUID } from 'node:crypto';
import type { TenantScope } from '../tenancy/tenant-scope';
import type { DebtorSealer, DebtorVault } from './debtor-vault';
import type { StoredContactPoint } from './debtors.repository';

/**
 * Turns the CRM's complete contact-point set into stored (encrypted) contact points. A phone or
 * email that was already known keeps its id, so opt-outs and attempts recorded against it stay
 * attached.
 */
export function contactPointsFromCrm(
  set: crmV1.ContactPointSet,
  context: {
    scope: TenantScope;
    sealer: DebtorSealer;
    vault: DebtorVault;
    existing: readonly StoredContactPoint[];
  },
): StoredContactPoint[] {
  const { scope, sealer, vault } = context;
  const knownIds = new Map<string, string>(
    context.existing.flatMap((point) =>
      point.blindIndex
        ? [[`${point.kind}:${point.blindIndex.toString('hex')}`, point.id] as const]
        : [],
    ),
  );
  const idFor = (kind: string, index: Buffer | null): string =>
    (index && knownIds.get(`${kind}:${index.toString('hex')}`)) ?? randomUUID();

  const points: StoredContactPoint[] = [];
  for (const phone of set.phones) {
    const kind = phone.type === crmV1.PhoneType.MOBILE ? 'mobile' : 'landline';
    const blindIndex = vault.blindIndex.phone(scope.tenantId, phone.e164);
    points.push({
      id: idFor(kind, blindIndex),
      kind,
      value: sealer.sealToBytes(phone.e164),
      blindIndex,
      phoneType: crmV1.PhoneType[phone.type] ?? null,
      consents: phone.consents.map((consent) => toJson(ChannelConsentSchema, consent)),
      timeZone: phone.timeZone || null,
      source: ContactPointSource[phone.source],
      preferred: phone.preferred,
      origin: 'crm',
    });
  }
  for (const email of set.emails) {
    const blindIndex = vault.blindIndex.email(scope.tenantId, email.address);
    points.push({
      id: idFor('email', blindIndex),
      kind: 'email',
      value: sealer.sealToBytes(email.address.trim()),
      blindIndex,
      phoneType: null,
      consents: email.consents.map((consent) => toJson(ChannelConsentSchema, consent)),
      timeZone: email.timeZone || null,
      source: ContactPointSource[email.source],
      preferred: email.preferred,
      origin: 'crm',
    });
  }
  for (const postal of set.postalAddresses) {
    const address = postal.address ?? create(PostalAddressSchema);
    points.push({
      id: randomUUID(),
      kind: 'postal',
      value: sealer.sealToBytes(toBinary(PostalAddressSchema, address)),
      blindIndex: null,
      phoneType: null,
      consents: postal.consents.map((consent) => toJson(ChannelConsentSchema, consent)),
      timeZone: postal.timeZone || null,
      source: ContactPointSource[postal.source],
      preferred: postal.preferred,
      origin: 'crm',
    });
  }
  return points;
}

const KIND_TO_PROTO = {
  mobile: caseV1.ContactPointKind.MOBILE,
  landline: caseV1.ContactPointKind.LANDLINE,
  email: caseV1.ContactPointKind.EMAIL,
  postal: caseV1.ContactPointKind.POSTAL,
} as const;

/** The contact points as carried by case events: addresses stay encrypted. */
export function contactPointsForEvent(
  points: readonly StoredContactPoint[],
): caseV1.ContactPoint[] {
  return points.map((point) =>
    create(caseV1.ContactPointSchema, {
      contactPointId: point.id,
      kind: KIND_TO_PROTO[point.kind],
      value: fromBinary(EncryptedValueSchema, point.value),
      consents: point.consents.map((consent) => fromJson(ChannelConsentSchema, consent as never)),
      timeZone: point.timeZone ?? '',
      source: ContactPointSource[
        point.source as keyof typeof ContactPointSource
      ] as ContactPointSource,
      preferred: point.preferred,
    }),
  );
}
