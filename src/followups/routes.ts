import { z } from 'zod';
import { ConflictError, ForbiddenError, NotFoundError } from '../api/errors.js';
import type { RouteRegistry } from '../api/registry.js';
import type { Principal } from '../auth/roles.js';
import { FollowUpTransitionError, type FollowUpAction, type PgFollowUps } from './store.js';
import { FollowUpStatuses, FollowUpTypes, type FollowUp } from './types.js';

const item = z.object({
  id: z.uuid(),
  type: z.enum(FollowUpTypes),
  call_id: z.uuid(),
  customer_phone: z.string().nullable(),
  customer_id: z.number().int().nullable(),
  status: z.enum(FollowUpStatuses),
  assignee: z.string().nullable(),
  due_at: z.string(),
  overdue: z.boolean(),
  source_ref: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  resolved_by: z.string().nullable(),
  resolution_note: z.string().nullable(),
});

const out = (f: FollowUp) => ({
  id: f.id,
  type: f.type,
  call_id: f.callId,
  customer_phone: f.customerPhone,
  customer_id: f.customerId,
  status: f.status,
  assignee: f.assignee,
  due_at: f.dueAt,
  overdue: f.overdue,
  source_ref: f.sourceRef,
  created_at: f.createdAt,
  updated_at: f.updatedAt,
  started_at: f.startedAt,
  resolved_at: f.resolvedAt,
  resolved_by: f.resolvedBy,
  resolution_note: f.resolutionNote,
});

/** A comma-separated list of allowed words (status=open,in_progress). */
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)));

const idParams = z.object({ id: z.uuid() });
const Workers = ['agent', 'supervisor', 'admin'] as const;

/**
 * /api/v1/follow-ups: the work list. Agents see their own items and unassigned ones, take them
 * (assign to themselves), start and resolve their own; supervisors and admins do anything to any;
 * analysts read. A move the status does not allow is 409 with the current status.
 */
export function registerFollowUpRoutes(store: PgFollowUps) {
  const isAgent = (p: Principal) => p.role === 'agent';
  const mine = async (p: Principal, id: string) => {
    const f = await store.get(id);
    if (!f) throw new NotFoundError(`no follow-up ${id}`);
    if (isAgent(p) && f.assignee !== null && f.assignee !== p.name)
      throw new ForbiddenError(`follow-up ${id} is assigned to someone else`);
    return f;
  };
  const act = async (id: string, action: FollowUpAction, change: Parameters<PgFollowUps['act']>[2]) => {
    try {
      const f = await store.act(id, action, change);
      if (!f) throw new NotFoundError(`no follow-up ${id}`);
      return out(f);
    } catch (err) {
      if (err instanceof FollowUpTransitionError) throw new ConflictError(err.message);
      throw err;
    }
  };

  return (registry: RouteRegistry): void => {
    // Before /{id}: express matches in order, and "slas" is not a follow-up id.
    registry.add({
      method: 'get',
      path: '/api/v1/follow-ups/slas',
      operationId: 'listFollowUpSlas',
      summary: 'Minutes each follow-up type may stay unresolved',
      tags: ['follow-ups'],
      access: ['agent', 'supervisor', 'analyst', 'admin'],
      response: z.object({
        items: z.array(z.object({ type: z.enum(FollowUpTypes), due_minutes: z.number().int() })),
      }),
      handler: async () => ({
        items: (await store.slas()).map((s) => ({ type: s.type, due_minutes: s.dueMinutes })),
      }),
    });

    registry.add({
      method: 'put',
      path: '/api/v1/follow-ups/slas/{type}',
      operationId: 'putFollowUpSla',
      summary: 'Change the SLA of a follow-up type (items already open keep their due time)',
      tags: ['follow-ups'],
      access: ['admin'],
      params: z.object({ type: z.enum(FollowUpTypes) }),
      body: z.object({ due_minutes: z.number().int().min(1).max(525_600) }),
      response: z.object({ type: z.enum(FollowUpTypes), due_minutes: z.number().int() }),
      handler: async ({ params, body }) => {
        await store.setSla(params.type, body.due_minutes);
        return { type: params.type, due_minutes: body.due_minutes };
      },
    });
    registry.add({
      method: 'get',
      path: '/api/v1/follow-ups',
      operationId: 'listFollowUps',
      summary: 'Follow-ups, soonest due first (agents: their own and unassigned ones)',
      tags: ['follow-ups'],
      access: ['agent', 'supervisor', 'analyst', 'admin'],
      query: z.object({
        status: list(FollowUpStatuses).optional().describe('open, in_progress, resolved (comma-separated)'),
        type: list(FollowUpTypes).optional().describe('voicemail, callback, complaint (comma-separated)'),
        assignee: z.string().min(1).max(200).optional().describe('"none" for unassigned items'),
        overdue: z.enum(['true', 'false']).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: z.object({ items: z.array(item) }),
      handler: async ({ query, principal }) => {
        const agent = isAgent(principal!);
        if (agent && query.assignee && query.assignee !== principal!.name && query.assignee !== 'none')
          throw new ForbiddenError('an agent lists its own follow-ups and unassigned ones');
        const items = await store.list({
          ...(query.status ? { status: query.status } : {}),
          ...(query.type ? { type: query.type } : {}),
          ...(query.assignee === 'none'
            ? { unassigned: true }
            : query.assignee
              ? { assignee: query.assignee }
              : agent
                ? { assignee: principal!.name, orUnassigned: true }
                : {}),
          ...(query.overdue ? { overdue: query.overdue === 'true' } : {}),
          limit: query.limit,
          offset: query.offset,
        });
        return { items: items.map(out) };
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/follow-ups/{id}',
      operationId: 'getFollowUp',
      summary: 'One follow-up',
      tags: ['follow-ups'],
      access: ['agent', 'supervisor', 'analyst', 'admin'],
      params: idParams,
      response: item,
      handler: async ({ params, principal }) => out(await mine(principal!, params.id)),
    });

    registry.add({
      method: 'post',
      path: '/api/v1/follow-ups/{id}/assign',
      operationId: 'assignFollowUp',
      summary: 'Give a follow-up to someone (agents: take an unassigned one)',
      tags: ['follow-ups'],
      access: Workers,
      params: idParams,
      body: z.object({ assignee: z.string().min(1).max(200).describe('Agent id (API key name)') }),
      response: item,
      handler: async ({ params, body, principal }) => {
        if (isAgent(principal!)) {
          if (body.assignee !== principal!.name)
            throw new ForbiddenError('an agent may only assign a follow-up to itself');
          const f = await mine(principal!, params.id);
          if (f.assignee && f.assignee !== principal!.name)
            throw new ForbiddenError(`follow-up ${params.id} is assigned to someone else`);
        }
        return act(params.id, 'assign', { assignee: body.assignee, actor: principal!.name });
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/follow-ups/{id}/start',
      operationId: 'startFollowUp',
      summary: 'Start working on an open follow-up (assigns it to the caller when unassigned)',
      tags: ['follow-ups'],
      access: Workers,
      params: idParams,
      response: item,
      handler: async ({ params, principal }) => {
        await mine(principal!, params.id);
        return act(params.id, 'start', { actor: principal!.name });
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/follow-ups/{id}/resolve',
      operationId: 'resolveFollowUp',
      summary: 'Resolve a follow-up with a note of what was done',
      tags: ['follow-ups'],
      access: Workers,
      params: idParams,
      body: z.object({ note: z.string().trim().min(1).max(4000).describe('What was done') }),
      response: item,
      handler: async ({ params, body, principal }) => {
        await mine(principal!, params.id);
        return act(params.id, 'resolve', { actor: principal!.name, note: body.note });
      },
    });
  };
}
