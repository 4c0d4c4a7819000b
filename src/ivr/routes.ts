import { z } from 'zod';
import { NotFoundError, ValidationError } from '../api/errors.js';
import type { RouteRegistry } from '../api/registry.js';
import { FlowValidationError } from './errors.js';
import type { FlowRegistry } from './registry.js';
import { flowId } from './schema.js';

const timestamp = z.string().describe('ISO 8601 time');
const versionMeta = z.object({
  flow_id: z.string(),
  version: z.number().int(),
  source: z.enum(['file', 'api']),
  changed_by: z.string(),
  changed_at: timestamp,
  comment: z.string().nullable(),
});
const documentSchema = z.record(z.string(), z.unknown()).describe('A flow document (see docs: IVR flows)');
const issues = z.array(z.object({ path: z.string(), message: z.string() }));

const meta = (v: {
  id?: string;
  flowId?: string;
  version: number;
  source: 'file' | 'api';
  changedBy: string;
  changedAt: string;
  comment: string | null;
}) => ({
  flow_id: (v.id ?? v.flowId)!,
  version: v.version,
  source: v.source,
  changed_by: v.changedBy,
  changed_at: v.changedAt,
  comment: v.comment,
});

const Readers = ['supervisor', 'analyst', 'admin'] as const;

/** /api/v1/ivr: flows as data. Admins change them; supervisors and analysts read them. */
export function registerIvrRoutes(flows: FlowRegistry) {
  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'get',
      path: '/api/v1/ivr/flows',
      operationId: 'listIvrFlows',
      summary: 'IVR flows serving new calls, with their active version, and the DID routing',
      tags: ['ivr'],
      access: Readers,
      response: z.object({
        items: z.array(versionMeta.extend({ description: z.string().nullable(), nodes: z.number().int() })),
        routing: z
          .object({
            default: z.string(),
            dids: z.record(z.string(), z.string()),
            queues: z.record(z.string(), z.array(z.string())),
          })
          .nullable(),
      }),
      handler: () => ({
        items: flows.flows().map((f) => ({
          ...meta(f),
          description: f.document.description ?? null,
          nodes: Object.keys(f.document.nodes).length,
        })),
        routing: flows.routing ?? null,
      }),
    });

    registry.add({
      method: 'get',
      path: '/api/v1/ivr/flows/{id}',
      operationId: 'getIvrFlow',
      summary: 'The active version of a flow',
      tags: ['ivr'],
      access: Readers,
      params: z.object({ id: flowId }),
      response: versionMeta.extend({ document: documentSchema }),
      handler: ({ params }) => {
        const f = flows.flow(params.id);
        if (!f) throw new NotFoundError(`no flow ${params.id}`);
        return { ...meta(f), document: f.document };
      },
    });

    registry.add({
      method: 'put',
      path: '/api/v1/ivr/flows/{id}',
      operationId: 'putIvrFlow',
      summary: 'Store a new version of a flow; new calls take it, calls in progress keep theirs',
      tags: ['ivr'],
      access: ['admin'],
      params: z.object({ id: flowId }),
      body: z.object({
        document: documentSchema,
        comment: z.string().max(500).optional().describe('Why the change was made'),
      }),
      response: versionMeta.extend({ warnings: issues }),
      async handler({ params, body, principal }) {
        const document = { ...body.document, id: body.document.id ?? params.id };
        if (document.id !== params.id)
          throw new ValidationError([
            { path: 'body.document.id', message: `must be "${params.id}" (the path)` },
          ]);
        try {
          const f = await flows.put(document, {
            changedBy: `${principal!.name} (${principal!.keyPrefix})`,
            ...(body.comment ? { comment: body.comment } : {}),
          });
          return { ...meta(f), warnings: f.warnings };
        } catch (err) {
          if (err instanceof FlowValidationError)
            throw new ValidationError(
              err.issues.map((i) => ({ ...i, path: `body.document.${i.path}`.replace(/\.$/, '') })),
            );
          throw err;
        }
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/ivr/flows/{id}/versions',
      operationId: 'listIvrFlowVersions',
      summary: 'Every version of a flow, newest first: who changed what and when',
      tags: ['ivr'],
      access: Readers,
      params: z.object({ id: flowId }),
      response: z.object({ items: z.array(versionMeta) }),
      handler: async ({ params }) => ({ items: (await flows.versions(params.id)).map(meta) }),
    });

    registry.add({
      method: 'get',
      path: '/api/v1/ivr/flows/{id}/versions/{version}',
      operationId: 'getIvrFlowVersion',
      summary: 'One version of a flow, with its document',
      tags: ['ivr'],
      access: Readers,
      params: z.object({ id: flowId, version: z.coerce.number().int().min(1) }),
      response: versionMeta.extend({ document: documentSchema }),
      handler: async ({ params }) => {
        const v = await flows.version(params.id, params.version);
        if (!v) throw new NotFoundError(`no version ${params.version} of flow ${params.id}`);
        return { ...meta(v), document: v.document };
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/ivr/reload',
      operationId: 'reloadIvrFlows',
      summary: 'Reload the flows folder: changed files become new versions, bad ones are refused',
      tags: ['ivr'],
      access: ['admin'],
      response: z.object({
        accepted: z.array(z.object({ flowId: z.string(), version: z.number().int(), source: z.string() })),
        unchanged: z.array(z.string()),
        refused: z.array(z.object({ source: z.string(), issues })),
        warnings: z.array(z.object({ source: z.string(), issues })),
      }),
      handler: () => flows.load(),
    });
  };
}
