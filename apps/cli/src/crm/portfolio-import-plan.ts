import { createHash } from 'node:crypto';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import {
  crmInboundProblems,
  crmV1,
  describeProblems,
  topicCatalogue,
  type CrmInboundMessage,
} from '@clement/contracts';
import {
  ContentType,
  encodePayload,
  envelopeToHeaders,
  type OutgoingRecord,
} from '@clement/messaging';
import type { PortfolioColumn } from './portfolio-columns';
import {
  accountPlacedFromRow,
  debtorUpsertedFromRow,
  deterministicEventId,
  resolveSourceVersion,
} from './portfolio-events';
import {
  parsePortfolioRecord,
  recordReferences,
  type ColumnProblem,
  type PortfolioRow,
} from './portfolio-row';

export interface ImportContext {
  readonly tenant: string;
  /** `--source-version`, for rows without a `source_version` column. */
  readonly sourceVersion?: bigint;
  /** The file's modification time: the source version of last resort and every event's ce_time. */
  readonly fileModifiedMs: number;
  /** The clock for the contract's "not in the future" rules. */
  readonly now?: Date;
}

export interface AcceptedRow {
  readonly accepted: true;
  readonly line: number;
  /** A DebtorUpserted first when this is the debtor's first accepted row, then the AccountPlaced. */
  readonly records: readonly OutgoingRecord[];
  /** Set when the row's debtor columns differ from the debtor's first row, whose values stand. */
  readonly warning?: string;
}

export interface RejectedRow {
  readonly accepted: false;
  readonly line: number;
  readonly creditorDebtorId: string;
  readonly accountReference: string;
  /** `column: reason; column: reason`, naming columns and never repeating their values. */
  readonly reason: string;
}

export type PlannedRow = AcceptedRow | RejectedRow;

/**
 * Turns the rows of one portfolio file, in file order, into CRM inbound records. Pure: no I/O,
 * so the whole of an import's logic is unit-tested. It remembers each debtor's first accepted
 * row (one DebtorUpserted per debtor, first row wins) and each account reference.
 */
export class PortfolioImportPlanner {
  private readonly debtors = new Map<string, { line: number; fingerprint: string }>();
  private readonly accounts = new Map<string, number>();
  private readonly eventTime: string;
  private readonly source: string;
  private correlationId: string | undefined;

  constructor(private readonly context: ImportContext) {
    this.eventTime = new Date(context.fileModifiedMs).toISOString();
    this.source = `/crm/${context.tenant}/import`;
  }

  plan(line: number, record: Readonly<Record<string, unknown>>): PlannedRow {
    const { row, problems } = parsePortfolioRecord(record);
    const version = resolveSourceVersion(
      row,
      this.context.sourceVersion,
      this.context.fileModifiedMs,
    );
    const debtor = debtorUpsertedFromRow(row, version);
    const account = accountPlacedFromRow(row, version);
    const all = [...problems, ...this.contractProblems(debtor, problems)];
    all.push(...this.contractProblems(account, all));

    const earlierAccount = this.accounts.get(row.accountReference);
    if (earlierAccount !== undefined && !all.some((p) => p.field === 'account_reference')) {
      all.push({ field: 'account_reference', reason: `is already on line ${earlierAccount}` });
    }
    if (all.length > 0) return this.reject(line, record, describeProblems(all));

    this.accounts.set(row.accountReference, line);
    const records: OutgoingRecord[] = [];
    let warning: string | undefined;
    const fingerprint = debtorFingerprint(row);
    const first = this.debtors.get(row.creditorDebtorId);
    if (first === undefined) {
      this.debtors.set(row.creditorDebtorId, { line, fingerprint });
      records.push(
        this.record(
          row,
          version,
          crmV1.DebtorUpsertedSchema,
          debtor,
          `debtor/${row.creditorDebtorId}`,
        ),
      );
    } else if (first.fingerprint !== fingerprint) {
      warning = `debtor columns differ from line ${first.line}; the values on line ${first.line} are used`;
    }
    records.push(
      this.record(
        row,
        version,
        crmV1.AccountPlacedSchema,
        account,
        `account/${row.accountReference}`,
      ),
    );
    return { accepted: true, line, records, warning };
  }

  /** A line that could not be read as a record at all (malformed CSV or JSON). */
  reject(line: number, record: Readonly<Record<string, unknown>>, reason: string): RejectedRow {
    return { accepted: false, line, ...recordReferences(record), reason };
  }

  /** The contract's problems, named by column, leaving out columns that already have one. */
  private contractProblems(
    message: CrmInboundMessage,
    known: readonly ColumnProblem[],
  ): ColumnProblem[] {
    const problems: ColumnProblem[] = [];
    const seen = new Set(known.map((problem) => problem.field));
    for (const problem of crmInboundProblems(message, { now: this.context.now })) {
      const field = columnOfContractField(problem.field);
      const rendered = `${field}\u0000${problem.reason}`;
      if (seen.has(field) || seen.has(rendered)) continue;
      seen.add(rendered);
      problems.push({ field, reason: problem.reason });
    }
    return problems;
  }

  private record<S extends DescMessage>(
    row: PortfolioRow,
    sourceVersion: bigint,
    schema: S,
    message: MessageShape<S>,
    entityReference: string,
  ): OutgoingRecord {
    const id = deterministicEventId(
      this.context.tenant,
      schema.typeName,
      entityReference,
      sourceVersion,
    );
    const key = `${this.context.tenant}:${row.creditorDebtorId}`;
    // ce_correlationid: the first event of this import run, as docs/integrators.md suggests.
    this.correlationId ??= id;
    return {
      topic: topicCatalogue.crmInbound.name,
      key,
      value: encodePayload(schema, message),
      headers: envelopeToHeaders({
        id,
        source: this.source,
        type: schema.typeName,
        time: this.eventTime,
        subject: row.creditorDebtorId,
        contentType: ContentType.protobuf,
        tenantId: this.context.tenant,
        partitionKey: key,
        correlationId: this.correlationId,
      }),
    };
  }
}

/** Contract field paths (snake_case proto paths) that come from a differently named column. */
const CONTRACT_FIELD_COLUMNS: readonly [RegExp, PortfolioColumn][] = [
  [/^name(\.|$)/, 'family_name'],
  [/^contact_points\.phones\[\d+\]\.e164$/, 'mobile'],
  [/^contact_points\.phones\[\d+\]\.consents\[\d+\]/, 'mobile_sms_consent'],
  [/^contact_points\.emails\[\d+\]\.address$/, 'email'],
  [/^contact_points\.emails\[\d+\]\.consents\[\d+\]/, 'email_consent'],
  [/^contact_points\.[a-z_]+\[\d+\]\.time_zone$/, 'time_zone'],
  [/^contact_points\.postal_addresses\[\d+\]\.address\.country_code$/, 'country_code'],
  [/^contact_points\.postal_addresses\[\d+\]\.address$/, 'address_line1'],
  [/^(original_balance|current_balance)\.currency$/, 'currency'],
  [/^original_balance\.amount_minor$/, 'original_balance_minor'],
  [/^current_balance\.amount_minor$/, 'current_balance_minor'],
];

/** The column a contract problem is about, so the report speaks the file's language. */
export function columnOfContractField(field: string): string {
  return CONTRACT_FIELD_COLUMNS.find(([pattern]) => pattern.test(field))?.[1] ?? field;
}

const DEBTOR_FIELDS = [
  'kind',
  'givenNames',
  'familyName',
  'organisationName',
  'dateOfBirth',
  'preferredLanguage',
  'mobile',
  'mobileSmsConsent',
  'whatsappConsent',
  'email',
  'emailConsent',
  'timeZone',
  'addressLine1',
  'addressLine2',
  'locality',
  'region',
  'postalCode',
  'countryCode',
] as const satisfies readonly (keyof PortfolioRow)[];

/** A short digest of a row's debtor columns: enough to notice a contradiction, little memory. */
function debtorFingerprint(row: PortfolioRow): string {
  const hash = createHash('sha256');
  for (const field of DEBTOR_FIELDS) hash.update(`${String(row[field])}\u0000`);
  return hash.digest('base64').slice(0, 22);
}
