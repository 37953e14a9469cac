import { cardOutcome, TEST_CARDS } from './test-cards';

describe('cardOutcome', () => {
  it.each([
    ['4242424242424242', { kind: 'approved' }],
    ['4000000000000002', { kind: 'declined', code: 'card_declined' }],
    ['4000000000009995', { kind: 'declined', code: 'insufficient_funds' }],
    ['4000000000003220', { kind: 'requires_authentication' }],
  ])('%s → %j', (number, outcome) => {
    expect(cardOutcome(number)).toEqual(outcome);
  });

  it('ignores the spaces and dashes people type', () => {
    expect(cardOutcome('4242 4242 4242 4242')).toEqual({ kind: 'approved' });
    expect(cardOutcome('4000-0000-0000-0002')).toEqual({ kind: 'declined', code: 'card_declined' });
  });

  it('refuses anything that is not a test card', () => {
    expect(cardOutcome('4111111111111111')).toEqual({ kind: 'unknown_card' });
    expect(cardOutcome('')).toEqual({ kind: 'unknown_card' });
  });

  it('lists every card it knows', () => {
    expect(TEST_CARDS.map((card) => card.number)).toHaveLength(4);
  });
});
