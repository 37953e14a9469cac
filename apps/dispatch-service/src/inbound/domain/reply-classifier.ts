/**
 * What a debtor's inbound reply (SMS, WhatsApp, email) asks for. Pure: no I/O, no Nest.
 *
 * Consent keywords work like Twilio's: the whole message is one keyword. Beyond that, consent can
 * be withdrawn by any reasonable means (the FCC's 2024 TCPA order; GDPR's "as easy to withdraw
 * as to give"), so a sentence carrying an unambiguous opt-out word ("please stop texting me",
 * "dadme de baja") is an opt-out too, marked `inferred`. It errs towards stopping: "I can't stop
 * worrying" stops texts as well, and the confirmation says how to opt back in.
 */

export type ReplyIntent =
  'pay' | 'balance' | 'plan' | 'speak_to_person' | 'dispute' | 'help' | 'other';

export type ReplyClassification =
  | { kind: 'opt_out'; scope: 'channel' | 'all'; keyword: string; inferred?: true }
  | { kind: 'opt_in'; keyword: string }
  | { kind: 'help'; keyword: string }
  | { kind: 'reply'; intent: Exclude<ReplyIntent, 'help'> };

/** Opts out of every channel, not just the one the reply came in on. */
export const OPT_OUT_ALL_KEYWORDS = ['STOPALL'] as const;

/** Keywords in their normalised form: upper case, no accents, single spaces. */
export const OPT_OUT_KEYWORDS_EN = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
  'OPT OUT',
  'OPT-OUT',
] as const;

export const OPT_OUT_KEYWORDS_ES = [
  'BAJA',
  'PARAR',
  'PARA',
  'ALTO',
  'DETENER',
  'CANCELAR',
  'DESUSCRIBIR',
  'DAR DE BAJA',
] as const;

export const OPT_OUT_KEYWORDS: readonly string[] = [...OPT_OUT_KEYWORDS_EN, ...OPT_OUT_KEYWORDS_ES];

export const OPT_IN_KEYWORDS = [
  'START',
  'UNSTOP',
  'YES',
  'ALTA',
  'DAR DE ALTA',
  'REANUDAR',
] as const;

export const HELP_KEYWORDS = ['HELP', 'INFO', 'AYUDA'] as const;

type ReplyIntentTerms = Readonly<Record<Exclude<ReplyIntent, 'help' | 'other'>, readonly string[]>>;

/** Terms in their normalised form (lower case, no accents); matched on word boundaries. */
export const REPLY_INTENT_TERMS: ReplyIntentTerms = {
  dispute: [
    'dispute',
    'not mine',
    'not my debt',
    'fraud',
    'already paid',
    'disputa',
    'no es mia',
    'no reconozco',
    'fraude',
    'ya pague',
    'ya he pagado',
  ],
  speak_to_person: [
    'call me',
    'agent',
    'person',
    'human',
    'speak',
    'llamame',
    'llamar',
    'hablar',
    'persona',
    'agente',
  ],
  plan: [
    'plan',
    'payment plan',
    'instalment',
    'instalments',
    'installment',
    'installments',
    'cuotas',
    'plazos',
    'aplazar',
  ],
  pay: ['pay', 'pay now', 'pagar', 'quiero pagar', 'pago'],
  balance: ['balance', 'how much', 'saldo', 'cuanto debo', 'cuanto'],
};

/** When several intents match, the first wins: a dispute or a request for a person beats the rest. */
export const REPLY_INTENT_PRIORITY = [
  'dispute',
  'speak_to_person',
  'plan',
  'pay',
  'balance',
] as const;

const OPT_OUT_ALL: ReadonlySet<string> = new Set(OPT_OUT_ALL_KEYWORDS);
const OPT_OUT: ReadonlySet<string> = new Set(OPT_OUT_KEYWORDS);
const OPT_IN: ReadonlySet<string> = new Set(OPT_IN_KEYWORDS);
const HELP: ReadonlySet<string> = new Set(HELP_KEYWORDS);

const INTENT_PATTERNS: ReadonlyArray<readonly [Exclude<ReplyIntent, 'help' | 'other'>, RegExp]> =
  REPLY_INTENT_PRIORITY.map((intent) => [intent, termsPattern(REPLY_INTENT_TERMS[intent])]);

export function classifyReply(text: string): ReplyClassification {
  const keyword = asKeyword(text);
  if (OPT_OUT.has(keyword)) {
    return { kind: 'opt_out', scope: OPT_OUT_ALL.has(keyword) ? 'all' : 'channel', keyword };
  }
  if (OPT_IN.has(keyword)) return { kind: 'opt_in', keyword };
  if (HELP.has(keyword)) return { kind: 'help', keyword };

  const words = normalised(text).toLowerCase();
  const withdrawal = OPT_OUT_IN_SENTENCE.exec(words);
  if (withdrawal) {
    return {
      kind: 'opt_out',
      scope: 'channel',
      keyword: withdrawal[0].toUpperCase().replace(/\s+/g, ' '),
      inferred: true,
    };
  }
  for (const [intent, pattern] of INTENT_PATTERNS) {
    if (pattern.test(words)) return { kind: 'reply', intent };
  }
  return { kind: 'reply', intent: 'other' };
}

/**
 * NFKD (NFD plus compatibility folding, so full-width "ＳＴＯＰ" is STOP), accents and invisible
 * format characters dropped, whitespace collapsed.
 */
function normalised(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The whole message as one candidate keyword; leading ¡¿ and trailing "!", "." etc. ignored. */
function asKeyword(text: string): string {
  return normalised(text)
    .replace(/^[\p{P}\s]+/u, '')
    .replace(/[\p{P}\s]+$/u, '')
    .toUpperCase();
}

/**
 * Words that withdraw consent wherever they stand in a reply. Not the ambiguous keywords: END,
 * CANCEL, QUIT (a plan, a payment), PARA, ALTO and BAJA alone (Spanish "for", "tall", "lower").
 */
export const OPT_OUT_SENTENCE_TERMS = [
  'stop',
  'stopall',
  'unsubscribe',
  'optout',
  'opt out',
  'opt-out',
  'revoke',
  'desuscribir',
  'darme de baja',
  'dadme de baja',
  'me doy de baja',
  'dejad de escribirme',
  'dejen de escribirme',
  'deja de escribirme',
  'no me escribas',
  'no me escribais',
  'no me escriban',
] as const;

const OPT_OUT_IN_SENTENCE = termsPattern(OPT_OUT_SENTENCE_TERMS);

/** One alternation; a term may not touch a letter or digit on either side. */
function termsPattern(terms: readonly string[]): RegExp {
  const alternatives = [...terms]
    .sort((a, b) => b.length - a.length)
    .map((term) => term.split(' ').map(escapeRegExp).join('\\s+'))
    .join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'u');
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
