import { z } from 'zod';
import { NotFoundError } from '../api/errors.js';
import type { RouteRegistry } from '../api/registry.js';
import type { SurveyDefinition } from './schema.js';

const Readers = ['supervisor', 'analyst', 'admin'] as const;

/** /api/v1/surveys: the survey definitions serving calls (files in flows/surveys/, reloaded with the flows). */
export function registerSurveyRoutes(surveys: () => SurveyDefinition[]) {
  const summary = (s: SurveyDefinition) => ({
    id: s.id,
    description: s.description ?? null,
    language: s.language,
    questions: s.questions.map((q) => ({ id: q.id, type: q.type, retries: q.retries })),
  });
  const schema = z.object({
    id: z.string(),
    description: z.string().nullable(),
    language: z.string(),
    questions: z.array(z.object({ id: z.string(), type: z.string(), retries: z.number().int() })),
  });
  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'get',
      path: '/api/v1/surveys',
      operationId: 'listSurveys',
      summary: 'Post-call surveys loaded, with their questions',
      tags: ['surveys'],
      access: Readers,
      response: z.object({ items: z.array(schema) }),
      handler: () => ({ items: surveys().map(summary) }),
    });
    registry.add({
      method: 'get',
      path: '/api/v1/surveys/{id}',
      operationId: 'getSurvey',
      summary: 'One survey definition, prompts included',
      tags: ['surveys'],
      access: Readers,
      params: z.object({ id: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a survey id') }),
      response: schema.extend({ document: z.record(z.string(), z.unknown()) }),
      handler: ({ params }) => {
        const s = surveys().find((x) => x.id === params.id);
        if (!s) throw new NotFoundError(`no survey ${params.id}`);
        return { ...summary(s), document: s as unknown as Record<string, unknown> };
      },
    });
  };
}
