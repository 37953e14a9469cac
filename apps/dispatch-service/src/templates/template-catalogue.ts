import { TENANT_ID_PATTERN } from '../tenancy/tenant-scope';
import {
  BUILT_IN_TEMPLATES,
  CHANNELS,
  KEYS_WITHOUT_LINK,
  KEYS_WITHOUT_OPT_OUT,
  OPT_OUT_TEXTS,
  TONES,
  type MessageChannel,
  type MessageTone,
  type TemplateEntry,
} from './built-in-templates';
import { amountViolations, discretionViolations } from './discretion';

export enum TemplateErrorCode {
  /** A template (built-in or tenant override) breaks a rule; raised when the catalogue is built. */
  InvalidTemplate = 'invalid_template',
  /** No template for the key and channel in any fallback locale. */
  TemplateNotFound = 'template_not_found',
  /** A render input is unusable (brand, link, locale). */
  InvalidInput = 'invalid_input',
  /** The rendered text would reveal a debt (e.g. a brand with debt wording). Fail closed. */
  NotDiscreet = 'not_discreet',
}

export class TemplateError extends Error {
  constructor(
    readonly code: TemplateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface TenantTemplateSettings {
  /** Used after the debtor's language and before `en`. */
  defaultLocale?: string;
  overrides?: readonly TemplateEntry[];
}

export interface TemplateCatalogueOptions {
  /** Defaults to BUILT_IN_TEMPLATES. */
  builtIns?: readonly TemplateEntry[];
  tenants?: Readonly<Record<string, TenantTemplateSettings>>;
}

export interface RenderMessageInput {
  tenantId: string;
  tenantBrand: string;
  templateKey: string;
  channel: MessageChannel;
  /** The debtor's language, any case, `-` or `_`: `es-ES`, `es_es`, `en`. Empty: tenant default. */
  locale: string;
  tone: MessageTone;
  /** Required by every template except the consent confirmations. */
  portalLink?: string;
  /** Replaces the default opt-out line (e.g. an email unsubscribe line with its URL). */
  optOutText?: string;
}

export interface RenderedMessage {
  body: string;
  /** Email only. */
  subject?: string;
  /** WhatsApp with an approved template: what to send instead of free-form text. */
  whatsappContent?: { contentSid: string; variables: Record<string, string> };
  /** Which entry was used after fallbacks. */
  locale: string;
  tone: MessageTone;
  source: 'tenant' | 'default';
}

export const FALLBACK_LOCALE = 'en';
export const MAX_BRAND_LENGTH = 40;
const PLACEHOLDER = /\{\{(brand|link|optOut)\}\}/g;
const TEMPLATE_KEY_PATTERN = /^[a-z][a-z_]*(\.[a-z][a-z_]*)*$/;
const LOCALE_PATTERN = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/;

type Source = RenderedMessage['source'];

/**
 * Templates per (tenant override or default) × key × channel × locale × tone. Every entry is
 * checked when the catalogue is built, so a bad override stops the process at boot rather than
 * at send time. Lookup order: locale (`es-es` → `es` → tenant default → `en`), then tone
 * (requested, then standard), then tenant override before built-in.
 */
export class TemplateCatalogue {
  private readonly builtIns: ReadonlyMap<string, TemplateEntry>;
  private readonly tenants: ReadonlyMap<
    string,
    { defaultLocale?: string; overrides: ReadonlyMap<string, TemplateEntry> }
  >;

  constructor(options: TemplateCatalogueOptions = {}) {
    this.builtIns = indexEntries(options.builtIns ?? BUILT_IN_TEMPLATES, 'built-in');
    const tenants = new Map<
      string,
      { defaultLocale?: string; overrides: ReadonlyMap<string, TemplateEntry> }
    >();
    for (const [tenantId, settings] of Object.entries(options.tenants ?? {})) {
      if (!TENANT_ID_PATTERN.test(tenantId)) {
        throw new TemplateError(TemplateErrorCode.InvalidTemplate, `invalid tenant id ${tenantId}`);
      }
      const defaultLocale =
        settings.defaultLocale === undefined ? undefined : normalizeLocale(settings.defaultLocale);
      if (settings.defaultLocale !== undefined && defaultLocale === undefined) {
        throw new TemplateError(
          TemplateErrorCode.InvalidTemplate,
          `tenant ${tenantId}: invalid default locale`,
        );
      }
      tenants.set(tenantId, {
        defaultLocale,
        overrides: indexEntries(settings.overrides ?? [], `tenant ${tenantId}`),
      });
    }
    this.tenants = tenants;
  }

  /** The entry used for these coordinates, after fallbacks. */
  resolve(
    input: Pick<RenderMessageInput, 'tenantId' | 'templateKey' | 'channel' | 'locale' | 'tone'>,
  ): { entry: TemplateEntry; source: Source } {
    const tenant = this.tenants.get(input.tenantId);
    const requested = input.locale.trim() === '' ? '' : normalizeLocale(input.locale);
    if (requested === undefined) {
      throw new TemplateError(TemplateErrorCode.InvalidInput, 'invalid locale');
    }
    const tones: MessageTone[] =
      input.tone === 'standard' ? ['standard'] : [input.tone, 'standard'];
    for (const locale of localeCandidates(requested, tenant?.defaultLocale)) {
      for (const tone of tones) {
        const key = entryKey(input.templateKey, input.channel, locale, tone);
        const override = tenant?.overrides.get(key);
        if (override) return { entry: override, source: 'tenant' };
        const builtIn = this.builtIns.get(key);
        if (builtIn) return { entry: builtIn, source: 'default' };
      }
    }
    throw new TemplateError(
      TemplateErrorCode.TemplateNotFound,
      `no template ${input.templateKey} for ${input.channel}`,
    );
  }

  /**
   * Renders plain text (no HTML: an HTML email would need every value escaped). The result is
   * checked again, so a brand, portal host or opt-out text carrying debt wording fails closed
   * (the link's token is not checked: it is random).
   */
  renderMessage(input: RenderMessageInput): RenderedMessage {
    const brand = input.tenantBrand.trim();
    if (brand === '' || brand.length > MAX_BRAND_LENGTH || /[\r\n]|\{\{|\}\}/.test(brand)) {
      throw new TemplateError(
        TemplateErrorCode.InvalidInput,
        `a brand is one line of 1–${MAX_BRAND_LENGTH} characters`,
      );
    }
    const { entry, source } = this.resolve(input);
    const needsLink = entry.body.includes('{{link}}');
    if (needsLink && !isPortalLink(input.portalLink)) {
      throw new TemplateError(
        TemplateErrorCode.InvalidInput,
        `${input.templateKey} needs an https portal link`,
      );
    }
    const optOut = input.optOutText?.trim() || defaultOptOut(entry.channel, entry.locale);
    if (/\{\{|\}\}/.test(optOut)) {
      throw new TemplateError(TemplateErrorCode.InvalidInput, 'the opt-out text has braces');
    }
    const values = { brand, link: input.portalLink ?? '', optOut };
    const body = interpolate(entry.body, values);
    const subject = entry.subject === undefined ? undefined : interpolate(entry.subject, values);
    const violations =
      entry.channel === 'email'
        ? [...discretionViolations(subject ?? ''), ...amountViolations(body)]
        : discretionViolations(body);
    if (violations.length > 0) {
      throw new TemplateError(
        TemplateErrorCode.NotDiscreet,
        `${input.templateKey} for ${input.channel} would not be discreet: ${violations.join(', ')}`,
      );
    }
    const rendered: RenderedMessage = { body, locale: entry.locale, tone: entry.tone, source };
    if (subject !== undefined) rendered.subject = subject;
    if (entry.whatsappContentSid !== undefined) {
      rendered.whatsappContent = {
        contentSid: entry.whatsappContentSid,
        variables: { '1': brand, '2': values.link },
      };
    }
    return rendered;
  }
}

/** `es-ES`, `es_es` → `es-es`; `undefined` when it is not a language tag. */
export function normalizeLocale(locale: string): string | undefined {
  const normalized = locale.trim().toLowerCase().replace(/_/g, '-');
  return LOCALE_PATTERN.test(normalized) ? normalized : undefined;
}

/** `es-es` → [`es-es`, `es`, tenant default (and its language), `en`], without repeats. */
export function localeCandidates(requested: string, tenantDefault?: string): string[] {
  const expand = (tag: string | undefined) => (tag ? [tag, tag.split('-')[0]] : []);
  return [...new Set([...expand(requested), ...expand(tenantDefault), FALLBACK_LOCALE])];
}

function defaultOptOut(channel: MessageChannel, locale: string): string {
  const texts = OPT_OUT_TEXTS[channel];
  return texts[locale] ?? texts[locale.split('-')[0]] ?? texts[FALLBACK_LOCALE];
}

/** One pass, so a value containing `{{…}}` is never expanded. */
function interpolate(template: string, values: Record<'brand' | 'link' | 'optOut', string>) {
  return template.replace(PLACEHOLDER, (_, name: 'brand' | 'link' | 'optOut') => values[name]);
}

function isPortalLink(link: string | undefined): boolean {
  if (link === undefined || /\s/.test(link)) return false;
  try {
    return new URL(link).protocol === 'https:';
  } catch {
    return false;
  }
}

function entryKey(templateKey: string, channel: string, locale: string, tone: string): string {
  return `${templateKey}|${channel}|${locale}|${tone}`;
}

function indexEntries(entries: readonly TemplateEntry[], origin: string) {
  const index = new Map<string, TemplateEntry>();
  for (const entry of entries) {
    const problems = templateProblems(entry);
    const where = `${origin} ${entry.templateKey}/${entry.channel}/${entry.locale}/${entry.tone}`;
    if (problems.length > 0) {
      throw new TemplateError(
        TemplateErrorCode.InvalidTemplate,
        `${where}: ${problems.join('; ')}`,
      );
    }
    const key = entryKey(entry.templateKey, entry.channel, entry.locale, entry.tone);
    if (index.has(key)) {
      throw new TemplateError(TemplateErrorCode.InvalidTemplate, `${where}: listed twice`);
    }
    index.set(key, entry);
  }
  return index;
}

/** Every rule a template must follow; empty when it is fine. */
export function templateProblems(entry: TemplateEntry): string[] {
  const problems: string[] = [];
  if (!TEMPLATE_KEY_PATTERN.test(entry.templateKey)) problems.push('invalid template key');
  if (!(CHANNELS as readonly string[]).includes(entry.channel)) problems.push('unknown channel');
  if (!(TONES as readonly string[]).includes(entry.tone)) problems.push('unknown tone');
  if (normalizeLocale(entry.locale) !== entry.locale) {
    problems.push('locale is not a lower-case tag');
  }
  const texts = [entry.body, entry.subject ?? ''];
  if (texts.some((text) => /\{\{|\}\}/.test(text.replace(PLACEHOLDER, '')))) {
    problems.push('unknown or malformed placeholder');
  }
  if (entry.body.trim() === '') problems.push('empty body');
  if (!KEYS_WITHOUT_LINK.has(entry.templateKey) && !entry.body.includes('{{link}}')) {
    problems.push('no {{link}}');
  }
  if (!KEYS_WITHOUT_OPT_OUT.has(entry.templateKey) && !entry.body.includes('{{optOut}}')) {
    problems.push('no {{optOut}}: every message says how to opt out');
  }
  if (!entry.body.includes('{{brand}}')) problems.push('no {{brand}}');
  const bare = (text: string) => text.replace(PLACEHOLDER, ' ');
  if (entry.channel === 'email') {
    if (!entry.subject?.trim()) problems.push('an email needs a subject');
    const words = discretionViolations(bare(entry.subject ?? ''));
    if (words.length > 0) problems.push(`subject not discreet: ${words.join(', ')}`);
    const amounts = amountViolations(bare(entry.body));
    if (amounts.length > 0) problems.push(`body shows an amount: ${amounts.join(', ')}`);
  } else {
    if (entry.subject !== undefined) problems.push(`${entry.channel} has no subject`);
    const words = discretionViolations(bare(entry.body));
    if (words.length > 0) problems.push(`body not discreet: ${words.join(', ')}`);
  }
  if (entry.whatsappContentSid !== undefined) {
    if (entry.channel !== 'whatsapp') problems.push('only WhatsApp has a content template');
    else if (!/^HX[0-9a-f]{32}$/.test(entry.whatsappContentSid)) {
      problems.push('whatsappContentSid must be HX + 32 hex');
    }
  }
  return problems;
}
