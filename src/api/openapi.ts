import { z } from 'zod';
import { HttpStatusByCode } from './errors.js';
import type { RegisteredRoute } from './registry.js';

/** The error envelope every non-2xx JSON response uses. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(HttpStatusByCode) as [keyof typeof HttpStatusByCode]),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    request_id: z.string().optional(),
  }),
});

type JsonSchema = Record<string, unknown>;

/** OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what zod emits; only `$schema` goes. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operation(route: RegisteredRoute) {
  const status = String(route.status ?? 200);
  const success = route.produces
    ? { description: 'OK', content: { [route.produces]: { schema: { type: 'string' } } } }
    : route.response
      ? {
          description: 'OK',
          content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
        }
      : { description: 'OK' };
  const responses: Record<string, unknown> = { [status]: success };
  for (const other of route.alsoResponds ?? [])
    responses[String(other.status)] = { ...success, description: other.description };
  if (route.params || route.query || route.body)
    responses['400'] = errorResponse('Request failed validation');
  if (route.access !== 'public') {
    responses['401'] = errorResponse('No API key, or an unknown or revoked one');
    if (route.access !== 'any') responses['403'] = errorResponse('The key’s role may not call this route');
    responses['503'] ??= errorResponse('API keys cannot be checked right now (database unavailable); retry');
  }
  responses['500'] = errorResponse('Internal error (details are in the server log, not here)');
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.tags ? { tags: route.tags } : {}),
    security: route.access === 'public' ? [] : [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    'x-roles':
      route.access === 'public' || route.access === 'any'
        ? route.access
        : [...new Set(['admin', ...route.access])],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document for the registered routes, built from the schemas that validate them. */
export function buildOpenApi(routes: readonly RegisteredRoute[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0' as const,
    info,
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'Authorization: Bearer td_<prefix>_<secret>',
        },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: { Error: jsonSchema(errorBodySchema, 'output') },
    },
  };
}
