import { z } from 'zod';
import { NotFoundError } from '../api/errors.js';
import type { RouteRegistry } from '../api/registry.js';
import { Roles } from './roles.js';
import type { ApiKeyStore } from './store.js';

const role = z.enum(Roles).describe('admin | supervisor | agent | analyst');
const timestamp = z.iso.datetime({ offset: true });

export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role,
  prefix: z.string().describe('Public part of the key (td_<prefix>_...), safe to show'),
  created_at: timestamp,
  last_used_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
});

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1).max(100).describe('Who or what will use the key, e.g. "wallboard"'),
  role,
});

const whoamiSchema = z.object({ key_id: z.uuid(), name: z.string(), role, prefix: z.string() });

/** whoami and the admin's key management: /api/v1/whoami, /api/v1/apikeys. */
export function registerAuthRoutes(registry: RouteRegistry, store: ApiKeyStore): void {
  registry.add({
    method: 'get',
    path: '/api/v1/whoami',
    operationId: 'whoami',
    summary: 'The API key making this request and its role',
    tags: ['auth'],
    access: 'any',
    response: whoamiSchema,
    handler: ({ principal }) => ({
      key_id: principal!.keyId,
      name: principal!.name,
      role: principal!.role,
      prefix: principal!.keyPrefix,
    }),
  });

  registry.add({
    method: 'get',
    path: '/api/v1/apikeys',
    operationId: 'listApiKeys',
    summary: 'List API keys (never their secrets)',
    tags: ['auth'],
    access: ['admin'],
    query: z.object({
      include_revoked: z.enum(['true', 'false']).default('false').describe('Also list revoked keys'),
    }),
    response: z.object({ items: z.array(apiKeySchema) }),
    handler: async ({ query }) => ({
      items: await store.list({ includeRevoked: query.include_revoked === 'true' }),
    }),
  });

  registry.add({
    method: 'post',
    path: '/api/v1/apikeys',
    operationId: 'createApiKey',
    summary: 'Create an API key; the key is in this response only and cannot be read again',
    tags: ['auth'],
    access: ['admin'],
    body: createApiKeySchema,
    status: 201,
    response: apiKeySchema.extend({ key: z.string().describe('td_<prefix>_<secret>; store it now') }),
    async handler({ body, logger }) {
      const { record, key } = await store.create(body);
      logger.info('api key created', { keyId: record.id, prefix: record.prefix, role: record.role });
      return { ...record, key };
    },
  });

  registry.add({
    method: 'delete',
    path: '/api/v1/apikeys/{id}',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key by id or prefix; it stops working at once',
    tags: ['auth'],
    access: ['admin'],
    params: z.object({
      id: z
        .string()
        .regex(
          /^([0-9a-f]{12}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
          'a key id (uuid) or prefix (12 hex)',
        )
        .describe('Key id (uuid) or prefix'),
    }),
    response: apiKeySchema,
    async handler({ params, logger }) {
      const record = await store.revoke(params.id);
      if (!record) throw new NotFoundError(`no API key ${params.id}`);
      logger.info('api key revoked', { keyId: record.id, prefix: record.prefix });
      return record;
    },
  });
}
