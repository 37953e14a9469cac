import {
  DISCREET_FORBIDDEN,
  NotDiscreetError,
  assertDiscreet,
  discretionViolations,
} from './discretion';

describe('discretion', () => {
  it.each(DISCREET_FORBIDDEN.map((word) => [word]))('forbids %j', (word) => {
    expect(() => assertDiscreet(`Hello from Acme. ${word.toUpperCase()} today.`)).toThrow(
      NotDiscreetError,
    );
  });

  it.each([
    ['accents ignored', 'Tienes un IMPAGO', 'impago'],
    ['accented form', 'Reclamación de Acme', 'reclamacion'],
    ['phrase across spaces', 'It is past   due', 'past due'],
    ['euro symbol', 'Hola 120 €', '€'],
    ['currency code', 'Only 120 EUR', 'eur'],
    ['decimal amount', 'Total 120,50', '120,50'],
    ['dollar', 'Send $5', '$'],
    ['a revealing portal host', 'Hello https://pay.acme.example/l/AbC', 'pay'],
  ])('catches %s', (_, text, violation) => {
    expect(discretionViolations(text)).toContain(violation);
  });

  it.each([
    ['whole words only', 'Owens Bank and Duende Finanzas say hello'],
    ['greeting, brand and link', 'Hello, this is Acme. https://acme.example/l/AbC_-9'],
    ['a token spelling a word', 'Hello, this is Acme. https://acme.example/l/x_owe-debt_9'],
    ['Spanish greeting', 'Hola, te escribe Acme. Responde BAJA para no recibir mas mensajes.'],
  ])('allows %s', (_, text) => {
    expect(() => assertDiscreet(text)).not.toThrow();
  });
});
