import { fromBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { Outbox } from '@clement/messaging';
import type { PaymentPolicy } from '@clement/payment-plans';
import type { Principal } from '@clement/staff-api';
import { requiredEnv, uniqueName } from '@clement/testing';
import { DataSource } from 'typeorm';
import { CaseProjectionRepository } from '../case-projection/case-projection.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { paymentServiceMigrations } from '../migrations';
import { PaymentsRepository } from '../payments/payments.repository';
import { type PaymentTenant, PaymentTenants } from '../tenants/payment-tenants';
import { CaseContexts } from '../shared/case-context';

/**
 * Integration-test wiring: a fresh payment-service schema on the test PostgreSQL (migrated), the
 * shared repositories, one tenant, a virtual clock, and a way to read what went to the outbox.
 */
export const TENANT = 'acme';

export const policy: PaymentPolicy = {
  currency: 'EUR',
  minInstalmentMinor: 50_00,
  maxTermMonths: 12,
  frequencies: ['monthly', 'fortnightly', 'weekly'],
  firstPaymentWindowDays: 14,
  settlementDiscounts: { early: 2000 },
  settlementFloorBasisPoints: 6000,
  refinancingOffered: false,
};

export const tenant: PaymentTenant = {
  tenantId: TENANT,
  brand: 'Acme Bank',
  timeZone: 'Europe/Madrid',
  allocation: 'oldest_first',
  policy,
  promises: { graceDays: 2, maxDaysAhead: 30 },
  plans: { breakAfterMisses: 2, instalmentGraceDays: 3 },
  offerValidityHours: 24,
  returnUrl: 'https://portal.example/return',
};

export const agent: Principal = { subject: 'agent-7', tenantId: TENANT, roles: ['agent'] };
export const portal: Principal = { subject: 'portal', tenantId: TENANT, roles: ['debtor-portal'] };

export class VirtualClock {
  constructor(private instant: Date) {}
  now = (): Date => new Date(this.instant);
  set(iso: string): void {
    this.instant = new Date(iso);
  }
}

export interface PaymentDatabase {
  dataSource: DataSource;
  schema: string;
  outbox: Outbox;
  clock: VirtualClock;
  tenants: PaymentTenants;
  cases: CaseProjectionRepository;
  ledger: LedgerRepository;
  payments: PaymentsRepository;
  contexts: CaseContexts;
  /** A placed case with one account owing `balanceMinor`; its debtor's zone when given. */
  seedCase(caseId: string, balanceMinor: number, timeZone?: string): Promise<string>;
  /** The outbox's events of a type, decoded, oldest first. */
  events<S extends DescMessage>(schema: S): Promise<MessageShape<S>[]>;
  close(): Promise<void>;
}

export async function openPaymentDatabase(prefix: string, start: string): Promise<PaymentDatabase> {
  const schema = uniqueName(prefix);
  const dataSource = new DataSource({
    type: 'postgres',
    url: requiredEnv('DATABASE_URL'),
    schema,
    migrations: paymentServiceMigrations(schema),
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: { max: 8 },
  });
  await dataSource.initialize();
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await dataSource.runMigrations();
  const clock = new VirtualClock(new Date(start));
  const tenants = new PaymentTenants(new Map([[TENANT, tenant]]));
  const cases = new CaseProjectionRepository(schema);
  const ledger = new LedgerRepository(schema);
  const outbox = new Outbox({ schema, source: '/clement/payment-service', clock: clock.now });
  return {
    dataSource,
    schema,
    outbox,
    clock,
    tenants,
    cases,
    ledger,
    payments: new PaymentsRepository(schema),
    contexts: new CaseContexts(tenants, cases, ledger, clock.now),
    async seedCase(caseId, balanceMinor, timeZone) {
      const debtorId = `debtor-${caseId}`;
      const placedAt = new Date('2024-01-01T00:00:00Z');
      await cases.insertCase(dataSource, TENANT, { caseId, debtorId, currency: 'EUR', placedAt });
      if (timeZone) await cases.setTimeZone(dataSource, TENANT, debtorId, timeZone);
      await cases.insertAccount(
        dataSource,
        TENANT,
        caseId,
        {
          accountId: `acc-${caseId}`,
          accountReference: `ref-${caseId}`,
          productType: 'card',
          daysPastDue: 30,
        },
        placedAt,
      );
      await ledger.append(dataSource, TENANT, [
        {
          caseId,
          accountId: `acc-${caseId}`,
          kind: 'placed',
          amountMinor: balanceMinor,
          currency: 'EUR',
          sourceId: `placed:acc-${caseId}`,
          occurredAt: placedAt,
        },
      ]);
      return debtorId;
    },
    async events(type) {
      const rows = (await dataSource.query(
        `SELECT "payload" FROM "${schema}"."outbox" WHERE "event_type" = $1 ORDER BY "id"`,
        [type.typeName],
      )) as { payload: Buffer }[];
      return rows.map((row) => fromBinary(type, row.payload));
    },
    async close() {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}
