/**
 * Discretion: an SMS or WhatsApp body, or an email subject, may be read by someone other than
 * the debtor (a lock screen, a shared inbox), so it carries no amount and no debt wording.
 * Matching ignores case and accents and looks at whole words and phrases, so a brand such as
 * "Owens" passes while "owe" does not.
 */

/** Words and phrases that reveal a debt or a payment obligation (en, es). */
export const DISCREET_FORBIDDEN: readonly string[] = [
  // en
  'debt',
  'debts',
  'debtor',
  'debtors',
  'indebted',
  'arrears',
  'overdue',
  'past due',
  'owe',
  'owes',
  'owed',
  'owing',
  'outstanding',
  'balance',
  'unpaid',
  'default',
  'defaulted',
  'collection',
  'collections',
  'collector',
  'recovery',
  'amount',
  'amount due',
  'due',
  'pay',
  'paid',
  'payment',
  'payments',
  'instalment',
  'instalments',
  'installment',
  'installments',
  'repayment',
  'repayments',
  'late payment',
  'bailiff',
  'legal action',
  'court',
  'solicitor',
  'lawyer',
  // es
  'deuda',
  'deudas',
  'deudor',
  'deudora',
  'deudores',
  'endeudado',
  'endeudada',
  'impago',
  'impagos',
  'impagado',
  'impagada',
  'moroso',
  'morosa',
  'morosidad',
  'en mora',
  'vencido',
  'vencida',
  'vencimiento',
  'atrasado',
  'atrasada',
  'atraso',
  'retraso',
  'pendiente',
  'pendientes',
  'saldo',
  'debe',
  'debes',
  'adeuda',
  'adeudado',
  'importe',
  'cantidad',
  'cobro',
  'cobros',
  'recobro',
  'pago',
  'pagos',
  'pagar',
  'paga',
  'cuota',
  'cuotas',
  'plazo',
  'plazos',
  'embargo',
  'abogado',
  'juzgado',
  'demanda',
  'reclamacion',
  'reclamar',
];

/** Currency symbols or codes, or a number written as money. */
const AMOUNT_PATTERN =
  /[€$£¥¢]|\b(?:eur|usd|gbp|euros?|dolares|dollars?|pounds?|libras?)\b|\d+[.,]\d{2}\b/iu;

const FORBIDDEN_PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${[...DISCREET_FORBIDDEN]
    .sort((a, b) => b.length - a.length)
    .map((word) => word.replace(/\s+/g, '\\s+'))
    .join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
);

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A personal link's token is opaque and random: it could spell a forbidden word by chance. */
const PORTAL_TOKEN = /\/l\/[A-Za-z0-9_-]+/g;

/**
 * The forbidden words and amounts found in `text` (accent-folded, lower-case). Links are
 * checked too (a portal host such as `pay.example` is not discreet), except their token.
 */
export function discretionViolations(text: string): string[] {
  const folded = fold(text).replace(PORTAL_TOKEN, '/l/');
  const found = [...folded.matchAll(FORBIDDEN_PATTERN)].map((match) =>
    match[0].replace(/\s+/g, ' '),
  );
  const amount = AMOUNT_PATTERN.exec(folded);
  if (amount) found.push(amount[0]);
  return [...new Set(found)];
}

export function amountViolations(text: string): string[] {
  const amount = AMOUNT_PATTERN.exec(fold(text).replace(PORTAL_TOKEN, '/l/'));
  return amount ? [amount[0]] : [];
}

export class NotDiscreetError extends Error {
  constructor(readonly violations: readonly string[]) {
    super(`text is not discreet: ${violations.map((v) => JSON.stringify(v)).join(', ')}`);
    this.name = 'NotDiscreetError';
  }
}

/** Throws when `text` carries debt wording or an amount. */
export function assertDiscreet(text: string): void {
  const violations = discretionViolations(text);
  if (violations.length > 0) throw new NotDiscreetError(violations);
}
