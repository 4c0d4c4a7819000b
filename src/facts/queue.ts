import type { Fact } from './fact.js';

/** The BullMQ queue facts travel on (call records have their own, `call-records`). */
export const FactsQueueName = 'facts';

export interface FactsJob {
  facts: Fact[];
}

/** A job id derived from its facts, so a repeated hand-off of the same batch is one job. */
export function factsJobId(facts: Array<Pick<Fact, 'id'>>): string {
  return `facts.${facts[0]?.id ?? 'empty'}.${facts.length}.${facts[facts.length - 1]?.id ?? ''}`;
}
