import { readFileSync } from 'node:fs';
import { type PaymentPolicy, validatePolicy } from '@clement/payment-plans';
import { ALLOCATION_POLICIES, type AllocationPolicy } from '../ledger/domain/allocation';

/** What payment-service needs to know about a tenant (creditor) to take payments for it. */
export interface PaymentTenant {
  tenantId: string;
  /** The name on the PSP's hosted page. */
  brand: string;
  /** IANA zone for debtors whose own zone is not known. */
  timeZone: string;
  /** How a payment splits over a case's accounts. */
  allocation: AllocationPolicy;
  /** Offer and schedule limits (@clement/payment-plans). */
  policy: PaymentPolicy;
  promises: {
    /** Days after the promised date before a promise counts as broken. */
    graceDays: number;
    /** The furthest a promised date may be from the debtor's today. */
    maxDaysAhead: number;
  };
  plans: {
    /** A plan breaks when this many instalments are missed. */
    breakAfterMisses: number;
    /** Days after an instalment's due date before it counts as missed. */
    instalmentGraceDays: number;
  };
  /** How long a computed offer may be accepted. */
  offerValidityHours: number;
  /** Where the PSP's hosted pages send the debtor back to (the portal). */
  returnUrl: string;
}

export class PaymentTenantsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid payment tenants: ${problems.join('; ')}`);
    this.name = 'PaymentTenantsError';
  }
}

const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

type Raw = Record<string, unknown>;

/**
 * The tenants file: `{ "tenants": { "<tenant id>": { brand, timeZone, allocation?, policy,
 * promises?, plans?, offerValidityHours?, returnUrl } } }`. Every problem is collected, so one
 * boot names them all; a bad file stops the boot.
 */
export function parsePaymentTenants(json: string): Map<string, PaymentTenant> {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new PaymentTenantsError([`not JSON: ${(error as Error).message}`]);
  }
  const tenants = (document as Raw | null)?.['tenants'];
  if (!isObject(tenants)) throw new PaymentTenantsError(['tenants: must be an object']);
  const problems: string[] = [];
  const parsed = new Map<string, PaymentTenant>();
  for (const [tenantId, raw] of Object.entries(tenants)) {
    const at = `tenants.${tenantId}`;
    if (!TENANT_ID.test(tenantId)) problems.push(`${at}: not a tenant id`);
    if (!isObject(raw)) {
      problems.push(`${at}: must be an object`);
      continue;
    }
    const tenant = tenantOf(tenantId, raw, at, problems);
    if (tenant) parsed.set(tenantId, tenant);
  }
  if (problems.length > 0) throw new PaymentTenantsError(problems);
  return parsed;
}

export function loadPaymentTenants(source: {
  file?: string;
  json?: string;
}): Map<string, PaymentTenant> {
  const json = source.json ?? (source.file ? readFileSync(source.file, 'utf8') : undefined);
  if (json === undefined) throw new PaymentTenantsError(['no tenants file or JSON given']);
  return parsePaymentTenants(json);
}

function tenantOf(tenantId: string, raw: Raw, at: string, problems: string[]) {
  const before = problems.length;
  const text = (field: string): string => {
    const value = raw[field];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${at}.${field}: must be a non-empty string`);
      return '';
    }
    return value;
  };
  const integer = (value: unknown, field: string, min: number, max: number): number => {
    if (value === undefined) return NaN;
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      problems.push(`${at}.${field}: must be an integer ${min}–${max}`);
    }
    return value as number;
  };
  const brand = text('brand');
  const timeZone = text('timeZone');
  if (timeZone && !isTimeZone(timeZone)) problems.push(`${at}.timeZone: unknown IANA zone`);
  const returnUrl = text('returnUrl');
  if (returnUrl && !/^https?:\/\//.test(returnUrl)) {
    problems.push(`${at}.returnUrl: must be an http(s) URL`);
  }
  const allocation = (raw['allocation'] ?? 'oldest_first') as AllocationPolicy;
  if (!ALLOCATION_POLICIES.includes(allocation)) {
    problems.push(`${at}.allocation: one of ${ALLOCATION_POLICIES.join(', ')}`);
  }
  const policy = raw['policy'] as PaymentPolicy;
  try {
    validatePolicy(policy);
  } catch (error) {
    problems.push(`${at}.${(error as Error).message}`);
  }
  const promises = isObject(raw['promises']) ? raw['promises'] : {};
  const plans = isObject(raw['plans']) ? raw['plans'] : {};
  const tenant: PaymentTenant = {
    tenantId,
    brand,
    timeZone,
    allocation,
    policy,
    promises: {
      graceDays: orDefault(integer(promises['graceDays'], 'promises.graceDays', 0, 30), 2),
      maxDaysAhead: orDefault(
        integer(promises['maxDaysAhead'], 'promises.maxDaysAhead', 0, 90),
        30,
      ),
    },
    plans: {
      breakAfterMisses: orDefault(
        integer(plans['breakAfterMisses'], 'plans.breakAfterMisses', 1, 12),
        2,
      ),
      instalmentGraceDays: orDefault(
        integer(plans['instalmentGraceDays'], 'plans.instalmentGraceDays', 0, 30),
        3,
      ),
    },
    offerValidityHours: orDefault(
      integer(raw['offerValidityHours'], 'offerValidityHours', 1, 24 * 30),
      24,
    ),
    returnUrl,
  };
  return problems.length === before ? tenant : undefined;
}

function orDefault(value: number, fallback: number): number {
  return Number.isNaN(value) ? fallback : value;
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The tenants payment-service serves; an unknown tenant is refused at the edge. */
export class PaymentTenants {
  constructor(private readonly tenants: ReadonlyMap<string, PaymentTenant>) {}

  find(tenantId: string): PaymentTenant | undefined {
    return this.tenants.get(tenantId);
  }

  ids(): string[] {
    return [...this.tenants.keys()];
  }
}
