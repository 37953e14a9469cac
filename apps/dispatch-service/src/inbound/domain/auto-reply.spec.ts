import { TEMPLATE_KEYS } from '../../templates/built-in-templates';
import { autoReplyFor, needsAgent } from './auto-reply';
import { classifyReply, type ReplyClassification } from './reply-classifier';

const reply = (
  intent: (ReplyClassification & { kind: 'reply' })['intent'],
): ReplyClassification => ({
  kind: 'reply',
  intent,
});

describe('autoReplyFor and needsAgent', () => {
  it.each<[string, ReplyClassification, ReturnType<typeof autoReplyFor>, boolean]>([
    [
      'opt-out of a channel',
      { kind: 'opt_out', scope: 'channel', keyword: 'STOP' },
      { templateKey: 'confirmation.opt_out', purpose: 'confirmation' },
      false,
    ],
    [
      'opt-out of every channel',
      { kind: 'opt_out', scope: 'all', keyword: 'STOPALL' },
      { templateKey: 'confirmation.opt_out', purpose: 'confirmation' },
      false,
    ],
    [
      'opt-in',
      { kind: 'opt_in', keyword: 'START' },
      { templateKey: 'confirmation.opt_in', purpose: 'confirmation' },
      false,
    ],
    ['help', { kind: 'help', keyword: 'HELP' }, { templateKey: 'help', purpose: 'support' }, false],
    ['pay', reply('pay'), { templateKey: 'help', purpose: 'support' }, false],
    ['balance', reply('balance'), { templateKey: 'help', purpose: 'support' }, false],
    ['plan', reply('plan'), { templateKey: 'help', purpose: 'support' }, false],
    ['speak to a person', reply('speak_to_person'), undefined, true],
    ['dispute', reply('dispute'), undefined, true],
    ['other', reply('other'), undefined, false],
  ])('%s', (_case, classification, expectedReply, expectedAgent) => {
    expect(autoReplyFor(classification)).toEqual(expectedReply);
    expect(needsAgent(classification)).toBe(expectedAgent);
  });

  it.each<[string, string | undefined, boolean]>([
    ['Baja', 'confirmation.opt_out', false],
    ['Ayuda', 'help', false],
    ['¿Cuánto debo?', 'help', false],
    ['No reconozco esta deuda', undefined, true],
    ['Llámame', undefined, true],
    ['gracias', undefined, false],
  ])('end to end from the text %j', (text, templateKey, agent) => {
    const classification = classifyReply(text);
    expect(autoReplyFor(classification)?.templateKey).toBe(templateKey);
    expect(needsAgent(classification)).toBe(agent);
  });

  it('only answers with built-in template keys', () => {
    const classifications: ReplyClassification[] = [
      { kind: 'opt_out', scope: 'channel', keyword: 'STOP' },
      { kind: 'opt_in', keyword: 'START' },
      { kind: 'help', keyword: 'HELP' },
      reply('pay'),
      reply('balance'),
      reply('plan'),
    ];
    for (const classification of classifications) {
      expect(TEMPLATE_KEYS).toContain(autoReplyFor(classification)?.templateKey);
    }
  });
});
