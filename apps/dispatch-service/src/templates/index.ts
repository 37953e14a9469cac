export {
  BUILT_IN_TEMPLATES,
  CHANNELS,
  OPT_OUT_TEXTS,
  TEMPLATE_KEYS,
  TONES,
  type BuiltInTemplateKey,
  type MessageChannel,
  type MessageTone,
  type TemplateEntry,
} from './built-in-templates';
export {
  DISCREET_FORBIDDEN,
  NotDiscreetError,
  amountViolations,
  assertDiscreet,
  discretionViolations,
} from './discretion';
export {
  nonGsm7Characters,
  smsSegments,
  type SmsEncoding,
  type SmsSegmentCount,
} from './sms-segments';
export {
  FALLBACK_LOCALE,
  MAX_BRAND_LENGTH,
  TemplateCatalogue,
  TemplateError,
  TemplateErrorCode,
  localeCandidates,
  normalizeLocale,
  templateProblems,
  type RenderMessageInput,
  type RenderedMessage,
  type TemplateCatalogueOptions,
  type TenantTemplateSettings,
} from './template-catalogue';
