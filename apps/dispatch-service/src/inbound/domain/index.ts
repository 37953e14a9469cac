export {
  ADDRESS_INDEX_MIN_KEY_BYTES,
  addressIndex,
  addressKindOf,
  normalisedEmail,
  normalisedPhone,
  parseAddressIndexKey,
  type AddressChannel,
  type AddressKind,
} from './address-index';
export { autoReplyFor, needsAgent, type AutoReply, type AutoReplyTemplateKey } from './auto-reply';
export {
  classifyReply,
  HELP_KEYWORDS,
  OPT_IN_KEYWORDS,
  OPT_OUT_ALL_KEYWORDS,
  OPT_OUT_KEYWORDS,
  OPT_OUT_KEYWORDS_EN,
  OPT_OUT_KEYWORDS_ES,
  REPLY_INTENT_PRIORITY,
  REPLY_INTENT_TERMS,
  type ReplyClassification,
  type ReplyIntent,
} from './reply-classifier';
