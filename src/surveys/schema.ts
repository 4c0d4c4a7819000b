import { z } from 'zod';
import { media } from '../ivr/schema.js';

/**
 * A post-call survey as data (flows/surveys/<id>.yaml): questions answered with DTMF, prompts per
 * language. Validated like flows (zod for the shape, the sound catalog for the prompts), and a bad
 * file is refused with the path while the survey already loaded keeps serving.
 */

const language = z.string().regex(/^[a-z]{2}(_[A-Z]{2})?$/, 'a language code such as en, vi or fa');
export const surveyId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a survey id: a lower-case letter, then a-z, 0-9, "_" or "-"');

/** One prompt for every language, or one per language (the call language, else the survey's). */
export const localizedMedia = z
  .union([media, z.record(language, media)])
  .transform((m): Record<string, string[]> => (Array.isArray(m) ? { '*': m } : m));

export const questionTypes = ['csat', 'nps', 'yes_no'] as const;
export type QuestionType = (typeof questionTypes)[number];

export const surveyQuestion = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a question id such as csat or resolved'),
  type: z
    .enum(questionTypes)
    .describe('csat: 1-5; nps: 0-10 (two digits, or one then # or a pause); yes_no: 1 yes, 2 no'),
  prompt: localizedMedia,
  /** Extra tries after the first when the key is invalid or nothing is pressed. */
  retries: z.number().int().min(0).max(5).default(1),
  firstDigitTimeoutMs: z.number().int().min(1000).max(30_000).default(5000),
  /** NPS: how long to wait for a second digit after the first (1 → maybe 10). */
  interDigitTimeoutMs: z.number().int().min(500).max(10_000).default(2000),
});

export const surveyDocument = z.object({
  id: surveyId,
  description: z.string().max(2000).optional(),
  language: language.default('en').describe('Prompts when the call language has none'),
  intro: localizedMedia.optional(),
  questions: z
    .array(surveyQuestion)
    .min(1)
    .max(10)
    .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, 'question ids must be unique'),
  invalidPrompt: localizedMedia.optional(),
  timeoutPrompt: localizedMedia.optional(),
  thanks: localizedMedia.optional(),
});

export type SurveyDefinition = z.output<typeof surveyDocument>;
export type SurveyQuestion = z.output<typeof surveyQuestion>;

/** The prompt for a language: its own, else the survey's language, else any ("*" first). */
export function promptFor(prompts: Record<string, string[]>, language: string, fallback: string): string[] {
  return prompts[language] ?? prompts['*'] ?? prompts[fallback] ?? Object.values(prompts)[0] ?? [];
}

/** Every media URI of a survey with its path, for the sound check. */
export function surveyMedia(s: SurveyDefinition): Array<{ uri: string; path: string[] }> {
  const out: Array<{ uri: string; path: string[] }> = [];
  const add = (path: string[], m: Record<string, string[]> | undefined) => {
    for (const [lang, list] of Object.entries(m ?? {}))
      list.forEach((uri, i) =>
        out.push({ uri, path: [...path, ...(lang === '*' ? [] : [lang]), String(i)] }),
      );
  };
  add(['intro'], s.intro);
  add(['invalidPrompt'], s.invalidPrompt);
  add(['timeoutPrompt'], s.timeoutPrompt);
  add(['thanks'], s.thanks);
  s.questions.forEach((q, i) => add(['questions', String(i), 'prompt'], q.prompt));
  return out;
}
