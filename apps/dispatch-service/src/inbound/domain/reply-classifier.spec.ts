import {
  classifyReply,
  HELP_KEYWORDS,
  OPT_IN_KEYWORDS,
  OPT_OUT_KEYWORDS,
  OPT_OUT_KEYWORDS_EN,
  OPT_OUT_KEYWORDS_ES,
  type ReplyClassification,
  type ReplyIntent,
} from './reply-classifier';

const optOut = (keyword: string, scope: 'channel' | 'all' = 'channel'): ReplyClassification => ({
  kind: 'opt_out',
  scope,
  keyword,
});
const optIn = (keyword: string): ReplyClassification => ({ kind: 'opt_in', keyword });
const help = (keyword: string): ReplyClassification => ({ kind: 'help', keyword });
const reply = (intent: Exclude<ReplyIntent, 'help'>): ReplyClassification => ({
  kind: 'reply',
  intent,
});

describe('classifyReply', () => {
  describe('keyword lists', () => {
    it('has the English and Spanish opt-out words, the opt-in words and the help words', () => {
      expect([...OPT_OUT_KEYWORDS_EN]).toEqual([
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
      ]);
      expect([...OPT_OUT_KEYWORDS_ES]).toEqual([
        'BAJA',
        'PARAR',
        'PARA',
        'ALTO',
        'DETENER',
        'CANCELAR',
        'DESUSCRIBIR',
        'DAR DE BAJA',
      ]);
      expect(OPT_OUT_KEYWORDS).toEqual([...OPT_OUT_KEYWORDS_EN, ...OPT_OUT_KEYWORDS_ES]);
      expect([...OPT_IN_KEYWORDS]).toEqual([
        'START',
        'UNSTOP',
        'YES',
        'ALTA',
        'DAR DE ALTA',
        'REANUDAR',
      ]);
      expect([...HELP_KEYWORDS]).toEqual(['HELP', 'INFO', 'AYUDA']);
    });

    it('lists no keyword twice across opt-out, opt-in and help', () => {
      const all = [...OPT_OUT_KEYWORDS, ...OPT_IN_KEYWORDS, ...HELP_KEYWORDS];
      expect(new Set(all).size).toBe(all.length);
    });
  });

  describe('every keyword, as sent', () => {
    it.each(OPT_OUT_KEYWORDS.filter((k) => k !== 'STOPALL'))('%s opts out of the channel', (k) => {
      expect(classifyReply(k)).toEqual(optOut(k));
    });

    it('STOPALL opts out of every channel', () => {
      expect(classifyReply('STOPALL')).toEqual(optOut('STOPALL', 'all'));
    });

    it.each([...OPT_IN_KEYWORDS])('%s opts back in', (k) => {
      expect(classifyReply(k)).toEqual(optIn(k));
    });

    it.each([...HELP_KEYWORDS])('%s asks for help', (k) => {
      expect(classifyReply(k)).toEqual(help(k));
    });
  });

  describe('every keyword, lower case with spaces and a full stop around it', () => {
    it.each([...OPT_OUT_KEYWORDS, ...OPT_IN_KEYWORDS, ...HELP_KEYWORDS])('%s', (k) => {
      const result = classifyReply(`  ${k.toLowerCase()}. \n`);
      expect(result.kind).not.toBe('reply');
      expect(result).toHaveProperty('keyword', k);
    });
  });

  it.each<[string, string, ReplyClassification]>([
    ['lower case', 'stop', optOut('STOP')],
    ['mixed case', 'StOp', optOut('STOP')],
    ['surrounding whitespace and newline', '\t stop \r\n', optOut('STOP')],
    ['trailing full stop', 'Stop.', optOut('STOP')],
    ['trailing exclamation marks', 'STOP!!!', optOut('STOP')],
    ['trailing mixed punctuation and spaces', 'stop ?! ', optOut('STOP')],
    ['Spanish opening and closing marks', '¡Baja!', optOut('BAJA')],
    ['quoted', '"STOP"', optOut('STOP')],
    ['lower-case stopall', 'stopall', optOut('STOPALL', 'all')],
    ['stopall with punctuation', 'StopAll.', optOut('STOPALL', 'all')],
    ['opt out with two spaces', 'opt  out', optOut('OPT OUT')],
    ['opt-out with a hyphen', 'Opt-Out', optOut('OPT-OUT')],
    ['optout in one word', 'optout', optOut('OPTOUT')],
    ['dar de baja, spaced out', '  dar   de  baja ', optOut('DAR DE BAJA')],
    ['accented capital', 'DETENÉR', optOut('DETENER')],
    ['accented lower case', 'cancelár', optOut('CANCELAR')],
    ['decomposed accent (NFD input)', 'baja\u0301', optOut('BAJA')],
    ['non-breaking space and zero-width space', '\u00a0stop\u200b', optOut('STOP')],
    ['full-width letters', 'ＳＴＯＰ', optOut('STOP')],
    ['dar de alta', 'Dar de alta', optIn('DAR DE ALTA')],
    ['yes, lower case with a full stop', 'yes.', optIn('YES')],
    ['unstop', 'UnStop', optIn('UNSTOP')],
    ['ayuda with question marks', '¿Ayuda?', help('AYUDA')],
    ['info lower case', 'info', help('INFO')],
  ])('keyword: %s', (_case, text, expected) => {
    expect(classifyReply(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['stop it please', 'STOP'],
    ['please stop', 'STOP'],
    ['STOP STOP', 'STOP'],
    ['Please STOP texting me!!', 'STOP'],
    ['how do I unsubscribe from these', 'UNSUBSCRIBE'],
    ['I want to opt out', 'OPT OUT'],
    ['quiero darme de baja', 'DARME DE BAJA'],
    ['Por favor, no me escribáis más', 'NO ME ESCRIBAIS'],
    ['dejen de escribirme', 'DEJEN DE ESCRIBIRME'],
  ])('withdrawal in a sentence: %s', (text, keyword) => {
    expect(classifyReply(text)).toEqual({
      kind: 'opt_out',
      scope: 'channel',
      keyword,
      inferred: true,
    });
  });

  it.each<[string, ReplyClassification]>([
    ['cancel my plan', reply('plan')],
    ['the end of the month', reply('other')],
    ['es para mañana', reply('other')],
    ['st op', reply('other')],
    ['S.T.O.P', reply('other')],
    ['yes I will pay', reply('pay')],
    ['help me pay', reply('pay')],
    ['I need help', reply('other')],
    ['para mañana pago', reply('pay')],
    ['baja el saldo?', reply('balance')],
    ['', reply('other')],
    ['   ', reply('other')],
    ['!!!', reply('other')],
  ])('not a keyword: %j', (text, expected) => {
    expect(classifyReply(text)).toEqual(expected);
  });

  it.each<[string, ReplyClassification]>([
    // pay
    ['I want to pay', reply('pay')],
    ['Pay now', reply('pay')],
    ['Quiero pagar', reply('pay')],
    ['¿Dónde hago el pago?', reply('pay')],
    ['PAGAR', reply('pay')],
    // balance
    ['What is my balance?', reply('balance')],
    ['How much do I owe', reply('balance')],
    ['¿Cuánto debo?', reply('balance')],
    ['cuanto es', reply('balance')],
    ['Saldo', reply('balance')],
    // plan
    ['Can I get a payment plan', reply('plan')],
    ['pay in instalments', reply('plan')],
    ['installments please', reply('plan')],
    ['¿Puedo pagar en cuotas?', reply('plan')],
    ['a plazos', reply('plan')],
    ['Quiero aplazar el pago', reply('plan')],
    // speak to a person
    ['Call me tomorrow', reply('speak_to_person')],
    ['I want to speak to a human', reply('speak_to_person')],
    ['agent', reply('speak_to_person')],
    ['Llámame por favor', reply('speak_to_person')],
    ['Quiero hablar con una persona', reply('speak_to_person')],
    ['¿Me puede llamar un agente?', reply('speak_to_person')],
    // dispute
    ['This is not mine', reply('dispute')],
    ['not my debt', reply('dispute')],
    ['This is FRAUD', reply('dispute')],
    ['I dispute this', reply('dispute')],
    ['I already paid', reply('dispute')],
    ['Esta deuda no es mía', reply('dispute')],
    ['No reconozco esta deuda', reply('dispute')],
    ['Es un fraude', reply('dispute')],
    ['Ya pagué', reply('dispute')],
    ['ya he pagado todo', reply('dispute')],
    ['Abro una disputa', reply('dispute')],
    // other
    ['Thanks', reply('other')],
    ['Gracias', reply('other')],
    ['ok', reply('other')],
  ])('intent of %j', (text, expected) => {
    expect(classifyReply(text)).toEqual(expected);
  });

  it.each<[string, string, ReplyClassification]>([
    ['word boundary: payment is not pay', 'payment received?', reply('other')],
    ['word boundary: paypal is not pay', 'paypal', reply('other')],
    ['word boundary: planet is not plan', 'planet', reply('other')],
    ['word boundary: agentes is not agente', 'agentes', reply('other')],
    ['word boundary: pagos is not pago', 'pagos', reply('other')],
    ['multi-word term across a line break', 'call\nme', reply('speak_to_person')],
  ])('%s', (_case, text, expected) => {
    expect(classifyReply(text)).toEqual(expected);
  });

  it.each<[string, ReplyClassification]>([
    ['I already paid, call me', reply('dispute')],
    ['Ya pagué, quiero hablar con una persona', reply('dispute')],
    ['not mine, I will not pay', reply('dispute')],
    ['Call me about a payment plan', reply('speak_to_person')],
    ['Quiero hablar de un plan de pagos', reply('speak_to_person')],
    ['I want to pay in instalments', reply('plan')],
    ['Quiero pagar a plazos', reply('plan')],
    ['How much do I have to pay?', reply('pay')],
    ['¿Cuánto tengo que pagar?', reply('pay')],
  ])('priority dispute > person > plan > pay > balance: %j', (text, expected) => {
    expect(classifyReply(text)).toEqual(expected);
  });
});
