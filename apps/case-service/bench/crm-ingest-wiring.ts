import { Outbox } from '@clement/messaging';
import { CasesRepository } from '../src/cases/cases.repository';
import { CaseWorkflow } from '../src/cases/case-workflow';
import { DebtorVault } from '../src/debtors/debtor-vault';
import { DebtorsRepository } from '../src/debtors/debtors.repository';
import { CaseChangeWriter } from '../src/events/case-change-writer';
import { CrmInboundConsumer } from '../src/ingestion/crm-inbound.consumer';
import { CrmIngestion, type IngestOutcome } from '../src/ingestion/crm-ingestion';
import { IngestionMetrics } from '../src/ingestion/ingestion-metrics';
import { PaymentLedgerRepository } from '../src/payments/payment-ledger.repository';
import { BlindIndex, DebtorKeyStore, LocalMasterKeyProvider } from '../src/pii';
import { TenantDirectory } from '../src/tenancy/tenant-directory';
import { TenantsRepository } from '../src/tenancy/tenants.repository';

// CLOUDEVENTS_SOURCE of app.module.ts, not imported: that would load the whole Nest application.
const CASE_SERVICE_SOURCE = '/clement/case-service';

export interface CrmIngestWiring {
  readonly outbox: Outbox;
  readonly tenants: TenantsRepository;
  readonly consumer: CrmInboundConsumer;
}

/**
 * The CRM ingestion object graph, built the way CaseManagementModule.forRoot and
 * MessagingModule build it (same classes, same constructor arguments), without Nest.
 */
export async function wireCrmIngestion(options: {
  schema: string;
  /** PII_MASTER_KEYS */
  masterKeys: string;
  onOutcome: (type: string, outcome: IngestOutcome) => void;
}): Promise<CrmIngestWiring> {
  const { schema } = options;
  const outbox = new Outbox({ schema, source: CASE_SERVICE_SOURCE });
  const debtors = new DebtorsRepository(schema);
  const cases = new CasesRepository(schema);
  const tenants = new TenantsRepository(schema);
  const directory = new TenantDirectory(tenants);
  const provider = LocalMasterKeyProvider.fromConfig(options.masterKeys, {
    blindIndexKeyId: undefined,
  });
  const vault = new DebtorVault(
    new DebtorKeyStore({ schema, provider }),
    new BlindIndex(await provider.blindIndexKey()),
  );
  const writer = new CaseChangeWriter(outbox, schema);
  const workflow = new CaseWorkflow(cases, new PaymentLedgerRepository(schema));
  const ingestion = new CrmIngestion(debtors, cases, vault, workflow);
  const metrics = new IngestionMetrics();
  const consumer = new CrmInboundConsumer(ingestion, directory, writer, (type, outcome) => {
    metrics.record(type, outcome);
    options.onOutcome(type, outcome);
  });
  return { outbox, tenants, consumer };
}
