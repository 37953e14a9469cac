import type { ReplyClassification } from './reply-classifier';

/** The built-in template keys an inbound reply may be answered with. */
export type AutoReplyTemplateKey = 'confirmation.opt_out' | 'confirmation.opt_in' | 'help';

export interface AutoReply {
  templateKey: AutoReplyTemplateKey;
  /** `confirmation` answers a consent change; `support` points to self-service. */
  purpose: 'confirmation' | 'support';
}

/**
 * The automatic answer to a reply, if any. Pay, balance and plan get the help text because it
 * carries the portal link; a person, a dispute or anything unrecognised gets no automated text.
 */
export function autoReplyFor(classification: ReplyClassification): AutoReply | undefined {
  switch (classification.kind) {
    case 'opt_out':
      return { templateKey: 'confirmation.opt_out', purpose: 'confirmation' };
    case 'opt_in':
      return { templateKey: 'confirmation.opt_in', purpose: 'confirmation' };
    case 'help':
      return { templateKey: 'help', purpose: 'support' };
    case 'reply':
      switch (classification.intent) {
        case 'pay':
        case 'balance':
        case 'plan':
          return { templateKey: 'help', purpose: 'support' };
        case 'speak_to_person':
        case 'dispute':
        case 'other':
          return undefined;
      }
  }
}

/** A human must pick this up: the debtor asked for a person or disputes the debt. */
export function needsAgent(classification: ReplyClassification): boolean {
  return (
    classification.kind === 'reply' &&
    (classification.intent === 'speak_to_person' || classification.intent === 'dispute')
  );
}
