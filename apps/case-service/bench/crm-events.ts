import { randomUUID } from 'node:crypto';
import { create, type DescMessage, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ConsentStatus,
  ContactChannel,
  ContactPointSource,
  crmV1,
  topicCatalogue,
} from '@clement/contracts';
import { ContentType, envelopeToHeaders } from '@clement/messaging';

/** A copy of the CRM inbound topic under a name of its own, so runs never see each other's records. */
export function benchCrmTopic(name: string): typeof topicCatalogue.crmInbound {
  // The catalogue types the name as its literal; the copy differs in the name only.
  return { ...topicCatalogue.crmInbound, name } as typeof topicCatalogue.crmInbound;
}

/** A record as an integrator's CRM publishes it (kafkajs message shape). */
export interface CrmRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
  readonly timestamp: string;
}

const CONSENTED_AT = timestampFromDate(new Date('2026-01-15T10:00:00Z'));

export function creditorDebtorId(n: number): string {
  return `D-${String(n).padStart(7, '0')}`;
}

/** A person with a mobile, an email and a postal address, as a CRM sends a new debtor. */
export function debtorUpserted(n: number): crmV1.DebtorUpserted {
  const id = creditorDebtorId(n);
  return create(crmV1.DebtorUpsertedSchema, {
    creditorDebtorId: id,
    sourceVersion: 1n,
    kind: crmV1.DebtorKind.PERSON,
    name: { givenNames: 'Ana', familyName: `García ${n}` },
    dateOfBirth: '1980-04-12',
    preferredLanguage: 'es-ES',
    contactPoints: {
      phones: [
        {
          e164: `+34600${String(n % 1_000_000).padStart(6, '0')}`,
          type: crmV1.PhoneType.MOBILE,
          source: ContactPointSource.DEBTOR_PROVIDED,
          consents: [
            {
              channel: ContactChannel.SMS,
              status: ConsentStatus.GRANTED,
              recordedAt: CONSENTED_AT,
            },
          ],
          timeZone: 'Europe/Madrid',
          preferred: true,
        },
      ],
      emails: [
        {
          address: `debtor.${id.toLowerCase()}@example.com`,
          source: ContactPointSource.CREDITOR_VERIFIED,
          consents: [
            {
              channel: ContactChannel.EMAIL,
              status: ConsentStatus.GRANTED,
              recordedAt: CONSENTED_AT,
            },
          ],
        },
      ],
      postalAddresses: [
        {
          address: {
            addressLines: [`Calle Mayor ${(n % 200) + 1}`, `Piso ${(n % 9) + 1}`],
            locality: 'Madrid',
            region: 'Madrid',
            postalCode: '28013',
            countryCode: 'ES',
          },
          source: ContactPointSource.CREDITOR_VERIFIED,
          timeZone: 'Europe/Madrid',
        },
      ],
    },
  });
}

/** One credit-card account for the debtor; it opens the debtor's case. */
export function accountPlaced(n: number): crmV1.AccountPlaced {
  const balance = BigInt(10_000 + (n % 90_000));
  return create(crmV1.AccountPlacedSchema, {
    creditorDebtorId: creditorDebtorId(n),
    accountReference: `ACC-${String(n).padStart(7, '0')}`,
    sourceVersion: 1n,
    productType: crmV1.ProductType.CREDIT_CARD,
    productName: 'Acme Card',
    originalBalance: { amountMinor: balance, currency: 'EUR' },
    currentBalance: { amountMinor: balance, currency: 'EUR' },
    daysPastDue: 45,
    placementDate: '2026-11-01',
  });
}

/** Protobuf payload and CloudEvents headers, as in case-management.int-spec.ts `publish()`. */
export function crmRecord<S extends DescMessage>(
  tenant: string,
  schema: S,
  message: MessageShape<S> & { creditorDebtorId: string },
  now: Date,
): CrmRecord {
  const id = randomUUID();
  const partitionKey = `${tenant}:${message.creditorDebtorId}`;
  return {
    key: partitionKey,
    value: Buffer.from(toBinary(schema, message)),
    headers: envelopeToHeaders({
      id,
      source: `/crm/${tenant}`,
      type: schema.typeName,
      time: now.toISOString(),
      tenantId: tenant,
      partitionKey,
      correlationId: id,
      contentType: ContentType.protobuf,
    }),
    timestamp: String(now.getTime()),
  };
}

/** A debtor's two events, upsert first: same key, same partition, so they are handled in order. */
export function debtorRecords(tenant: string, n: number, now = new Date()): CrmRecord[] {
  return [
    crmRecord(tenant, crmV1.DebtorUpsertedSchema, debtorUpserted(n), now),
    crmRecord(tenant, crmV1.AccountPlacedSchema, accountPlaced(n), now),
  ];
}
