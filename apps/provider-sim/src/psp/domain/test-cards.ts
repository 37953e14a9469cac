/** What the sandbox does with a card number (Stripe-style test cards). */
export type CardOutcome =
  | { readonly kind: 'approved' }
  | { readonly kind: 'declined'; readonly code: DeclineCode }
  | { readonly kind: 'requires_authentication' }
  /** Not a test card: the form is refused, nothing is charged. */
  | { readonly kind: 'unknown_card' };

export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'authentication_failed';

export interface TestCard {
  readonly number: string;
  readonly description: string;
  readonly outcome: CardOutcome;
}

export const TEST_CARDS: readonly TestCard[] = [
  { number: '4242424242424242', description: 'succeeds', outcome: { kind: 'approved' } },
  {
    number: '4000000000000002',
    description: 'is declined (card_declined)',
    outcome: { kind: 'declined', code: 'card_declined' },
  },
  {
    number: '4000000000009995',
    description: 'is declined (insufficient_funds)',
    outcome: { kind: 'declined', code: 'insufficient_funds' },
  },
  {
    number: '4000000000003220',
    description: 'asks for 3-D Secure: approve to succeed, deny to fail',
    outcome: { kind: 'requires_authentication' },
  },
];

export const DECLINE_MESSAGES: Readonly<Record<DeclineCode, string>> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  authentication_failed: 'We are unable to authenticate your payment method.',
};

/** Spaces and dashes, as people type card numbers, are ignored. */
export function cardOutcome(cardNumber: string): CardOutcome {
  const digits = cardNumber.replace(/[\s-]/g, '');
  return TEST_CARDS.find((card) => card.number === digits)?.outcome ?? { kind: 'unknown_card' };
}
