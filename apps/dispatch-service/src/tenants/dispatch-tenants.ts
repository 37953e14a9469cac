import { readFileSync } from 'node:fs';
import {
  type ContactPolicy,
  type PolicyOverride,
  policyFor,
  validatePolicy,
} from '@clement/contact-policy';
import {
  type TemplateEntry,
  type TenantTemplateSettings,
  normalizeLocale,
  TemplateCatalogue,
} from '../templates';
import { TENANT_ID_PATTERN } from '../tenancy/tenant-scope';

export type SenderChannel = 'sms' | 'whatsapp' | 'email';
export const SENDER_CHANNELS: readonly SenderChannel[] = ['sms', 'whatsapp', 'email'];

/** One sending identity: a number or Messaging Service (Twilio), an address (SendGrid). */
export interface SenderSettings {
  /** E.164 for sms/whatsapp, an email address for email. */
  from: string;
  /** Twilio: send through this Messaging Service instead of `from` (replies still come to `from`). */
  messagingServiceSid?: string;
  /** Email display name; defaults to the brand. */
  fromName?: string;
  /** Sustained provider calls per second from this sender; absent = not limited here. */
  ratePerSecond?: number;
  /** Calls allowed at once after a quiet spell; defaults to one second's worth. */
  burst?: number;
}

/** What dispatch needs to know about a tenant (creditor) to speak for it. */
export interface DispatchTenant {
  tenantId: string;
  /** The name debtors know: a greeting's signature, never a debt word. */
  brand: string;
  /** A contact-policy preset key: US_REG_F, UK_FCA, EU_ES. */
  jurisdiction: string;
  /** The preset with the tenant's overrides applied. */
  policy: ContactPolicy;
  defaultLocale?: string;
  senders: Partial<Record<SenderChannel, SenderSettings>>;
  templates: TemplateEntry[];
}

export class DispatchTenantsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid dispatch tenants: ${problems.join('; ')}`);
    this.name = 'DispatchTenantsError';
  }
}

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

/**
 * The tenants file: `{ "tenants": { "<tenant id>": { brand, jurisdiction, defaultLocale?,
 * senders: { sms?, whatsapp?, email? }, policy?: <PolicyOverride>, templates?: [...] } } }`.
 * Every problem is collected, so a bad file is fixed in one go; nothing is half-loaded.
 */
export function parseDispatchTenants(document: unknown): ReadonlyMap<string, DispatchTenant> {
  const problems: string[] = [];
  const tenants = new Map<string, DispatchTenant>();
  const root = objectOrUndefined(document);
  const entries = objectOrUndefined(root?.['tenants']);
  if (!entries) {
    throw new DispatchTenantsError(['the document must be { "tenants": { … } }']);
  }
  for (const [tenantId, raw] of Object.entries(entries)) {
    const at = (field: string) => `${tenantId}.${field}`;
    const settings = objectOrUndefined(raw);
    if (!TENANT_ID_PATTERN.test(tenantId)) problems.push(`${tenantId}: not a tenant id`);
    if (!settings) {
      problems.push(`${tenantId}: must be an object`);
      continue;
    }
    const brand = settings['brand'];
    if (typeof brand !== 'string' || brand.trim() === '') problems.push(`${at('brand')}: required`);
    const jurisdiction = settings['jurisdiction'];
    const override = settings['policy'];
    let policy: ContactPolicy | undefined;
    if (override !== undefined && objectOrUndefined(override) === undefined) {
      problems.push(`${at('policy')}: must be an object`);
    } else if (typeof jurisdiction === 'string') {
      try {
        policy = policyFor(jurisdiction, override as PolicyOverride | undefined);
      } catch {
        // e.g. frequencyCaps not a list: merging it fails before it can be validated.
        problems.push(`${at('policy')}: malformed override`);
      }
    }
    if (!policy) {
      if (typeof jurisdiction !== 'string' || !policyFor(jurisdiction)) {
        problems.push(`${at('jurisdiction')}: must be one of US_REG_F, UK_FCA, EU_ES`);
      }
    } else {
      problems.push(...validatePolicy(policy).map((problem) => `${at('policy')}: ${problem}`));
    }
    const defaultLocale = settings['defaultLocale'];
    if (
      defaultLocale !== undefined &&
      (typeof defaultLocale !== 'string' || !normalizeLocale(defaultLocale))
    ) {
      problems.push(`${at('defaultLocale')}: not a language tag`);
    }
    const senders = sendersOf(objectOrUndefined(settings['senders']), at, problems);
    const templates = settings['templates'] ?? [];
    if (!Array.isArray(templates)) problems.push(`${at('templates')}: must be an array`);
    if (policy && typeof brand === 'string') {
      tenants.set(tenantId, {
        tenantId,
        brand: brand.trim(),
        jurisdiction: jurisdiction as string,
        policy,
        ...(typeof defaultLocale === 'string' ? { defaultLocale } : {}),
        senders,
        templates: Array.isArray(templates) ? (templates as TemplateEntry[]) : [],
      });
    }
  }
  if (problems.length > 0) throw new DispatchTenantsError(problems);
  return tenants;
}

function sendersOf(
  raw: Record<string, unknown> | undefined,
  at: (field: string) => string,
  problems: string[],
): Partial<Record<SenderChannel, SenderSettings>> {
  const senders: Partial<Record<SenderChannel, SenderSettings>> = {};
  if (!raw) {
    problems.push(`${at('senders')}: required`);
    return senders;
  }
  for (const [channel, value] of Object.entries(raw)) {
    const where = at(`senders.${channel}`);
    if (!(SENDER_CHANNELS as readonly string[]).includes(channel)) {
      problems.push(`${where}: unknown channel`);
      continue;
    }
    const sender = objectOrUndefined(value);
    const from = sender?.['from'];
    const pattern = channel === 'email' ? EMAIL : E164;
    if (typeof from !== 'string' || !pattern.test(from)) {
      problems.push(`${where}.from: must be ${channel === 'email' ? 'an email address' : 'E.164'}`);
      continue;
    }
    const settings: SenderSettings = { from };
    const sid = sender?.['messagingServiceSid'];
    if (sid !== undefined) {
      if (typeof sid !== 'string' || !MESSAGING_SERVICE_SID.test(sid)) {
        problems.push(`${where}.messagingServiceSid: must be MG + 32 hex`);
      } else settings.messagingServiceSid = sid;
    }
    const fromName = sender?.['fromName'];
    if (typeof fromName === 'string' && fromName.trim() !== '') settings.fromName = fromName.trim();
    for (const field of ['ratePerSecond', 'burst'] as const) {
      const number = sender?.[field];
      if (number === undefined) continue;
      if (typeof number !== 'number' || !(number > 0) || !Number.isFinite(number)) {
        problems.push(`${where}.${field}: must be a positive number`);
      } else settings[field] = number;
    }
    senders[channel as SenderChannel] = settings;
  }
  return senders;
}

function objectOrUndefined(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** From DISPATCH_TENANTS_JSON, else the DISPATCH_TENANTS_FILE; throws with every problem. */
export function loadDispatchTenants(source: {
  json?: string;
  file?: string;
}): ReadonlyMap<string, DispatchTenant> {
  const text = source.json ?? (source.file ? readFileSync(source.file, 'utf8') : undefined);
  if (text === undefined) throw new DispatchTenantsError(['no tenants file or JSON given']);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new DispatchTenantsError(['not valid JSON']);
  }
  return parseDispatchTenants(document);
}

/** One catalogue for all tenants: built-ins plus each tenant's checked overrides. */
export function templateCatalogueFor(
  tenants: ReadonlyMap<string, DispatchTenant>,
): TemplateCatalogue {
  const settings: Record<string, TenantTemplateSettings> = {};
  for (const tenant of tenants.values()) {
    settings[tenant.tenantId] = {
      ...(tenant.defaultLocale ? { defaultLocale: tenant.defaultLocale } : {}),
      overrides: tenant.templates,
    };
  }
  return new TemplateCatalogue({ tenants: settings });
}

/**
 * Which tenant a reply to `to` (our number or address) belongs to: every tenant sending from
 * it. Usually one; a shared number gives several and the reply is matched by address.
 */
export function tenantsSendingFrom(
  tenants: ReadonlyMap<string, DispatchTenant>,
  channel: SenderChannel,
  to: string,
): DispatchTenant[] {
  const address = to.replace(/^whatsapp:/, '');
  return [...tenants.values()].filter((tenant) => tenant.senders[channel]?.from === address);
}
