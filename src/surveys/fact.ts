import { z } from 'zod';
import { defineFactKind, fact, factId, type Fact } from '../facts/fact.js';

/** One answered survey question → a survey_responses row (migration 20261123004200). */
export const SurveyResponseKind = defineFactKind({
  kind: 'survey_response',
  table: 'survey_responses',
  schema: z.object({
    call_id: z.uuid(),
    conversation_id: z.uuid().nullable(),
    survey_id: z.string().min(1).max(64),
    question_id: z.string().min(1).max(32),
    question_type: z.enum(['csat', 'nps', 'yes_no']),
    question_index: z.number().int().min(1),
    questions_total: z.number().int().min(1),
    answer: z.number().int().min(0).max(10),
    tries: z.number().int().min(1),
    language: z.string().nullable(),
    queue: z.string().nullable(),
    agent: z.string().nullable(),
  }),
});

export type SurveyResponseData = z.input<(typeof SurveyResponseKind)['schema']>;

/** The fact for one answer; its id is the (call, survey, question), so a repeat is dropped. */
export function surveyResponseFact(at: Date, data: SurveyResponseData): Fact {
  return fact(
    SurveyResponseKind,
    factId('survey_response', data.call_id, data.survey_id, data.question_id),
    at,
    data,
  );
}
