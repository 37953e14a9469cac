import { type DynamicModule, Module } from '@nestjs/common';
import { Outbox } from '@clement/messaging';
import { provideEventConsumer } from '@clement/messaging/nest';
import { DataSource } from 'typeorm';
import { CaseCommands } from './cases/case-commands';
import { CaseQueries } from './cases/case-queries';
import { CaseWorkflow } from './cases/case-workflow';
import { HoldExpiry } from './cases/hold-expiry';
import { HOLD_EXPIRY_INTERVAL_MS, HoldExpiryScheduler } from './cases/hold-expiry.scheduler';
import { CasesController } from './cases/cases.controller';
import { CasesRepository } from './cases/cases.repository';
import type { CaseServiceConfig } from './config';
import { ContactAddresses } from './debtors/contact-addresses';
import { ContactAddressesController } from './debtors/contact-addresses.controller';
import { DebtorPrivacy } from './debtors/debtor-privacy';
import { DebtorVault } from './debtors/debtor-vault';
import { DebtorsController } from './debtors/debtors.controller';
import { DebtorsRepository } from './debtors/debtors.repository';
import { CaseChangeWriter } from './events/case-change-writer';
import { CrmInboundConsumer } from './ingestion/crm-inbound.consumer';
import { CrmIngestion } from './ingestion/crm-ingestion';
import { IngestionMetrics } from './ingestion/ingestion-metrics';
import { PaymentEventEffects } from './payments/payment-event-effects';
import { PaymentEventsConsumer } from './payments/payment-events.consumer';
import { PaymentLedgerRepository } from './payments/payment-ledger.repository';
import { BlindIndex, DebtorKeyStore, LocalMasterKeyProvider, type MasterKeyProvider } from './pii';
import { TenantDirectory } from './tenancy/tenant-directory';
import { TenantsController } from './tenancy/tenants.controller';
import { TenantsRepository } from './tenancy/tenants.repository';

export const MASTER_KEY_PROVIDER = Symbol('clement.case.master-key-provider');
export const CRM_INBOUND_GROUP = 'case-service.crm-inbound';
export const PAYMENT_EVENTS_GROUP = 'case-service.payment-events';

/**
 * Debtors, accounts, cases, CRM ingestion and what payment-service's events do to cases. Providers
 * are built by factories (no constructor metadata needed), so the wiring is explicit and reads top
 * to bottom.
 */
@Module({})
export class CaseManagementModule {
  static forRoot(config: CaseServiceConfig): DynamicModule {
    const schema = config.DATABASE_SCHEMA;
    return {
      module: CaseManagementModule,
      controllers: [
        CasesController,
        DebtorsController,
        ContactAddressesController,
        TenantsController,
      ],
      providers: [
        { provide: DebtorsRepository, useFactory: () => new DebtorsRepository(schema) },
        { provide: CasesRepository, useFactory: () => new CasesRepository(schema) },
        { provide: TenantsRepository, useFactory: () => new TenantsRepository(schema) },
        {
          provide: PaymentLedgerRepository,
          useFactory: () => new PaymentLedgerRepository(schema),
        },
        {
          provide: TenantDirectory,
          inject: [TenantsRepository],
          useFactory: (tenants: TenantsRepository) => new TenantDirectory(tenants),
        },
        {
          provide: MASTER_KEY_PROVIDER,
          useFactory: () =>
            LocalMasterKeyProvider.fromConfig(config.PII_MASTER_KEYS, {
              blindIndexKeyId: config.PII_BLIND_INDEX_KEY_ID,
            }),
        },
        {
          provide: DebtorVault,
          inject: [MASTER_KEY_PROVIDER],
          useFactory: async (provider: MasterKeyProvider) =>
            new DebtorVault(
              new DebtorKeyStore({ schema, provider }),
              new BlindIndex(await provider.blindIndexKey()),
            ),
        },
        {
          provide: CaseChangeWriter,
          inject: [Outbox],
          useFactory: (outbox: Outbox) => new CaseChangeWriter(outbox, schema),
        },
        {
          provide: CaseWorkflow,
          inject: [CasesRepository, PaymentLedgerRepository],
          useFactory: (cases: CasesRepository, ledger: PaymentLedgerRepository) =>
            new CaseWorkflow(cases, ledger),
        },
        {
          provide: CrmIngestion,
          inject: [DebtorsRepository, CasesRepository, DebtorVault, CaseWorkflow],
          useFactory: (
            debtors: DebtorsRepository,
            cases: CasesRepository,
            vault: DebtorVault,
            workflow: CaseWorkflow,
          ) => new CrmIngestion(debtors, cases, vault, workflow),
        },
        { provide: IngestionMetrics, useFactory: () => new IngestionMetrics() },
        {
          provide: CrmInboundConsumer,
          inject: [CrmIngestion, TenantDirectory, CaseChangeWriter, IngestionMetrics],
          useFactory: (
            ingestion: CrmIngestion,
            tenants: TenantDirectory,
            writer: CaseChangeWriter,
            metrics: IngestionMetrics,
          ) =>
            new CrmInboundConsumer(ingestion, tenants, writer, (type, outcome) =>
              metrics.record(type, outcome),
            ),
        },
        provideEventConsumer({
          groupId: CRM_INBOUND_GROUP,
          inject: [CrmInboundConsumer],
          subscriptions: (consumer: CrmInboundConsumer) => [consumer.handlers()],
          transactionBatchSize: config.CRM_INGEST_BATCH_SIZE,
        }),
        {
          provide: PaymentEventEffects,
          inject: [CasesRepository, DebtorsRepository, PaymentLedgerRepository, CaseWorkflow],
          useFactory: (
            cases: CasesRepository,
            debtors: DebtorsRepository,
            ledger: PaymentLedgerRepository,
            workflow: CaseWorkflow,
          ) => new PaymentEventEffects(cases, debtors, ledger, workflow),
        },
        {
          provide: PaymentEventsConsumer,
          inject: [PaymentEventEffects, TenantDirectory, CaseChangeWriter],
          useFactory: (
            effects: PaymentEventEffects,
            tenants: TenantDirectory,
            writer: CaseChangeWriter,
          ) => new PaymentEventsConsumer(effects, tenants, writer),
        },
        provideEventConsumer({
          groupId: PAYMENT_EVENTS_GROUP,
          inject: [PaymentEventsConsumer],
          subscriptions: (consumer: PaymentEventsConsumer) => [consumer.handlers()],
        }),
        {
          provide: CaseQueries,
          inject: [DataSource, CasesRepository, DebtorsRepository, DebtorVault],
          useFactory: (
            dataSource: DataSource,
            cases: CasesRepository,
            debtors: DebtorsRepository,
            vault: DebtorVault,
          ) => new CaseQueries(dataSource, cases, debtors, vault),
        },
        {
          provide: CaseCommands,
          inject: [
            DataSource,
            CasesRepository,
            DebtorsRepository,
            DebtorVault,
            CaseWorkflow,
            CaseChangeWriter,
          ],
          useFactory: (
            dataSource: DataSource,
            cases: CasesRepository,
            debtors: DebtorsRepository,
            vault: DebtorVault,
            workflow: CaseWorkflow,
            writer: CaseChangeWriter,
          ) => new CaseCommands(dataSource, cases, debtors, vault, workflow, writer),
        },
        {
          provide: HoldExpiry,
          inject: [DataSource, CasesRepository, DebtorsRepository, CaseWorkflow, CaseChangeWriter],
          useFactory: (
            dataSource: DataSource,
            cases: CasesRepository,
            debtors: DebtorsRepository,
            workflow: CaseWorkflow,
            writer: CaseChangeWriter,
          ) => new HoldExpiry(dataSource, cases, debtors, workflow, writer),
        },
        { provide: HOLD_EXPIRY_INTERVAL_MS, useValue: config.HOLD_EXPIRY_INTERVAL_MS },
        HoldExpiryScheduler,
        {
          provide: DebtorPrivacy,
          inject: [DataSource, DebtorsRepository, CasesRepository, DebtorVault, CaseChangeWriter],
          useFactory: (
            dataSource: DataSource,
            debtors: DebtorsRepository,
            cases: CasesRepository,
            vault: DebtorVault,
            writer: CaseChangeWriter,
          ) => new DebtorPrivacy(dataSource, debtors, cases, vault, writer),
        },
        {
          provide: ContactAddresses,
          inject: [DataSource, DebtorsRepository, DebtorVault],
          useFactory: (dataSource: DataSource, debtors: DebtorsRepository, vault: DebtorVault) =>
            new ContactAddresses(dataSource, debtors, vault),
        },
      ],
    };
  }
}
