/**
 * What an agent records when completing a task. The list is closed so analytics can count
 * outcomes; "other" plus a note covers the rest.
 */
export const TASK_OUTCOMES = [
  'promise_made',
  'payment_taken',
  'plan_agreed',
  'no_contact',
  'wrong_party',
  'dispute_logged',
  'referred_to_advice',
  'callback_scheduled',
  'other',
] as const;

export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

export function isTaskOutcome(value: unknown): value is TaskOutcome {
  return typeof value === 'string' && (TASK_OUTCOMES as readonly string[]).includes(value);
}

/** Outcomes that say too little on their own. */
export const OUTCOMES_NEEDING_A_NOTE: readonly TaskOutcome[] = ['other'];
