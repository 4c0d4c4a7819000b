import { z } from 'zod';
import { ApiError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../api/errors.js';
import type { RouteRegistry } from '../api/registry.js';
import type { Principal } from '../auth/roles.js';
import type { Acd } from './acd.js';
import { AcdError } from './errors.js';
import type { AgentLive } from './live.js';
import {
  agentId,
  agentSchema,
  AgentStates,
  membershipSchema,
  pauseReasonSchema,
  queueId,
  queueSchema,
  reasonCode,
  wrapupSchema,
} from './model.js';
import { openStream, snapshot } from './stream.js';
import type { AcdStore } from './store.js';

const Readers = ['supervisor', 'analyst'] as const;
const People = ['agent', 'supervisor'] as const;

const agentState = z.object({
  id: z.string(),
  name: z.string(),
  endpoint: z.string(),
  state: z.enum(AgentStates),
  reason: z.string().nullable(),
  since: z.string().nullable(),
  queues: z.array(z.string()),
  call: z.string().nullable(),
  queue: z.string().nullable(),
  pendingPause: z.string().nullable(),
  pendingLogout: z.boolean(),
});
const wrapupRow = z.object({
  callId: z.string(),
  agent: z.string(),
  queue: z.string().nullable(),
  customerPhone: z.string().nullable(),
  outcome: z.string(),
  tags: z.array(z.string()),
  notes: z.string(),
  priority: z.string(),
  createdAt: z.string(),
});

function view(a: AgentLive) {
  const inCall = a.state === 'ringing' || a.state === 'on_call' || a.state === 'wrap_up';
  return {
    id: a.id,
    name: a.name,
    endpoint: a.endpoint,
    state: a.state,
    reason: a.state === 'paused' ? a.reason || null : null,
    since: a.since ? new Date(a.since).toISOString() : null,
    queues: a.queues,
    call: inCall ? a.call || null : null,
    queue: inCall ? a.queue || null : null,
    pendingPause: a.pendingPause || null,
    pendingLogout: a.pendingLogout,
  };
}

/** AcdError → the API's errors: unknown things in the path are 404, in the body 400 with the path. */
function translate(err: unknown, bodyPath?: string): never {
  if (!(err instanceof AcdError)) throw err;
  switch (err.code) {
    case 'UNKNOWN_AGENT':
      throw new NotFoundError(err.message);
    case 'UNKNOWN_QUEUE':
    case 'UNKNOWN_REASON':
      if (bodyPath) throw new ValidationError([{ path: bodyPath, message: err.message }]);
      throw new NotFoundError(err.message);
    case 'NOT_YOUR_AGENT':
      throw new ForbiddenError(err.message);
    case 'NO_CALL':
      throw new ApiError('NOT_FOUND', err.message);
    default:
      throw new ConflictError(err.message);
  }
}

/**
 * /api/v1/acd: queues, agents and pause reasons as data (admin), agent state (the agent its own, a
 * supervisor anyone's), wrap-up and customer notes, and the live stream. An agent's API key maps to
 * an agent by `acd_agents.principal` (the key's name); `me` in a path means that agent.
 */
export function registerAcdRoutes(acd: Acd, store?: AcdStore) {
  const resolve = (id: string, principal: Principal | undefined): string => {
    if (id === 'me' || principal?.role === 'agent') {
      const mine = principal ? acd.directory.agentByPrincipal(principal.name) : undefined;
      if (id === 'me' && !mine)
        throw new NotFoundError(`API key ${principal?.name} is not an agent's (acd_agents.principal)`);
      if (principal?.role === 'agent' && mine?.id !== id && id !== 'me')
        throw new ForbiddenError(
          `an agent may only change its own state (this key is ${mine?.id ?? 'no agent'}'s)`,
        );
      return mine!.id;
    }
    if (!acd.directory.agents.has(id)) throw new NotFoundError(`no agent ${id}`);
    return id;
  };
  const by = (p: Principal | undefined) => (p ? `${p.name} (${p.role})` : 'system');
  const liveOf = async (id: string) => {
    const a = await acd.live.agent(id);
    if (!a) throw new NotFoundError(`no agent ${id}`);
    return view(a);
  };
  const agentParam = z.object({ id: z.union([z.literal('me'), agentId]) });

  return (registry: RouteRegistry): void => {
    // Queues ---------------------------------------------------------------------------------
    registry.add({
      method: 'get',
      path: '/api/v1/acd/queues',
      operationId: 'listAcdQueues',
      summary: 'Queues with their definition',
      tags: ['acd'],
      access: [...Readers, 'agent'],
      response: z.object({ items: z.array(z.record(z.string(), z.unknown())) }),
      handler: () => ({ items: [...acd.directory.queues.values()] }),
    });
    registry.add({
      method: 'get',
      path: '/api/v1/acd/queues/{id}',
      operationId: 'getAcdQueue',
      summary: 'One queue',
      tags: ['acd'],
      access: [...Readers, 'agent'],
      params: z.object({ id: queueId }),
      response: z.record(z.string(), z.unknown()),
      handler: ({ params }) => {
        const q = acd.directory.queues.get(params.id);
        if (!q) throw new NotFoundError(`no queue ${params.id}`);
        return q;
      },
    });
    registry.add({
      method: 'put',
      path: '/api/v1/acd/queues/{id}',
      operationId: 'putAcdQueue',
      summary: 'Create or replace a queue; callers already waiting keep their place',
      tags: ['acd'],
      access: ['admin'],
      params: z.object({ id: queueId }),
      body: queueSchema.omit({ id: true }),
      response: z.record(z.string(), z.unknown()),
      async handler({ params, body, principal }) {
        const q = queueSchema.parse({ ...body, id: params.id });
        if (q.overflow?.type === 'queue' && q.overflow.queue === q.id)
          throw new ValidationError([
            { path: 'body.overflow.queue', message: 'a queue cannot overflow to itself' },
          ]);
        if (q.overflow?.type === 'queue' && !acd.directory.queues.has(q.overflow.queue))
          throw new ValidationError([
            { path: 'body.overflow.queue', message: `no queue ${q.overflow.queue}` },
          ]);
        await acd.directory.putQueue(q, by(principal));
        await acd.configChanged(q.id);
        return q;
      },
    });
    registry.add({
      method: 'delete',
      path: '/api/v1/acd/queues/{id}',
      operationId: 'deleteAcdQueue',
      summary: 'Delete a queue',
      tags: ['acd'],
      access: ['admin'],
      params: z.object({ id: queueId }),
      status: 204,
      async handler({ params }) {
        if (!(await acd.directory.deleteQueue(params.id))) throw new NotFoundError(`no queue ${params.id}`);
        await acd.configChanged(params.id);
      },
    });

    // Agents ---------------------------------------------------------------------------------
    registry.add({
      method: 'get',
      path: '/api/v1/acd/agents',
      operationId: 'listAcdAgents',
      summary: 'Agents with their live state',
      tags: ['acd'],
      access: Readers,
      response: z.object({ items: z.array(agentState) }),
      handler: async () => ({
        items: (await acd.live.agents([...acd.directory.agents.keys()])).map(view),
      }),
    });
    registry.add({
      method: 'put',
      path: '/api/v1/acd/agents/{id}',
      operationId: 'putAcdAgent',
      summary: 'Create or change an agent (phone, skills, wrap-up override, API key name)',
      tags: ['acd'],
      access: ['admin'],
      params: z.object({ id: agentId }),
      body: agentSchema.omit({ id: true }),
      response: z.record(z.string(), z.unknown()),
      async handler({ params, body }) {
        const a = agentSchema.parse({ ...body, id: params.id });
        const other = a.principal ? acd.directory.agentByPrincipal(a.principal) : undefined;
        if (other && other.id !== a.id)
          throw new ValidationError([{ path: 'body.principal', message: `already agent ${other.id}'s` }]);
        await acd.directory.putAgent(a);
        await acd.configChanged();
        return a;
      },
    });
    registry.add({
      method: 'delete',
      path: '/api/v1/acd/agents/{id}',
      operationId: 'deleteAcdAgent',
      summary: 'Delete an agent (logged out of every queue first)',
      tags: ['acd'],
      access: ['admin'],
      params: z.object({ id: agentId }),
      status: 204,
      async handler({ params, principal }) {
        if (!acd.directory.agents.has(params.id)) throw new NotFoundError(`no agent ${params.id}`);
        await acd.agents.logout(params.id, undefined, by(principal)).catch(translate);
        await acd.directory.deleteAgent(params.id);
        await acd.configChanged();
      },
    });
    registry.add({
      method: 'get',
      path: '/api/v1/acd/agents/{id}',
      operationId: 'getAcdAgent',
      summary: 'An agent’s live state (`me`: the agent of this API key)',
      tags: ['acd'],
      access: [...People, 'analyst'],
      params: agentParam,
      response: agentState,
      handler: ({ params, principal }) => liveOf(resolve(params.id, principal)),
    });
    registry.add({
      method: 'post',
      path: '/api/v1/acd/agents/{id}/login',
      operationId: 'loginAcdAgent',
      summary: 'Log an agent in to queues (with a penalty per queue)',
      tags: ['acd'],
      access: People,
      params: agentParam,
      body: z.object({ queues: z.array(membershipSchema).min(1).max(100) }),
      response: agentState,
      async handler({ params, body, principal }) {
        const id = resolve(params.id, principal);
        body.queues.forEach((m, i) => {
          if (!acd.directory.queues.has(m.queue))
            throw new ValidationError([{ path: `body.queues.${i}.queue`, message: `no queue ${m.queue}` }]);
        });
        await acd.agents.login(id, body.queues, by(principal)).catch((e) => translate(e));
        acd.wake();
        return liveOf(id);
      },
    });
    registry.add({
      method: 'post',
      path: '/api/v1/acd/agents/{id}/logout',
      operationId: 'logoutAcdAgent',
      summary: 'Log an agent out of some queues, or all (after the call in progress)',
      tags: ['acd'],
      access: People,
      params: agentParam,
      body: z.object({ queues: z.array(queueId).min(1).max(100).optional() }).default({}),
      response: agentState,
      async handler({ params, body, principal }) {
        const id = resolve(params.id, principal);
        await acd.agents.logout(id, body.queues, by(principal)).catch((e) => translate(e, 'body.queues'));
        return liveOf(id);
      },
    });
    registry.add({
      method: 'post',
      path: '/api/v1/acd/agents/{id}/pause',
      operationId: 'pauseAcdAgent',
      summary: 'Pause with a reason code (after the call in progress when on a call or in wrap-up)',
      tags: ['acd'],
      access: People,
      params: agentParam,
      body: z.object({ reason: reasonCode }),
      response: agentState,
      async handler({ params, body, principal }) {
        const id = resolve(params.id, principal);
        await acd.agents.pause(id, body.reason, by(principal)).catch((e) => translate(e, 'body.reason'));
        return liveOf(id);
      },
    });
    registry.add({
      method: 'post',
      path: '/api/v1/acd/agents/{id}/unpause',
      operationId: 'unpauseAcdAgent',
      summary: 'Back to available',
      tags: ['acd'],
      access: People,
      params: agentParam,
      response: agentState,
      async handler({ params, principal }) {
        const id = resolve(params.id, principal);
        await acd.agents.unpause(id, by(principal)).catch((e) => translate(e));
        acd.wake();
        return liveOf(id);
      },
    });
    registry.add({
      method: 'post',
      path: '/api/v1/acd/agents/{id}/ready',
      operationId: 'readyAcdAgent',
      summary: 'End wrap-up now',
      tags: ['acd'],
      access: People,
      params: agentParam,
      response: agentState,
      async handler({ params, principal }) {
        const id = resolve(params.id, principal);
        const a = await acd.live.agent(id);
        if (a?.state !== 'wrap_up')
          throw new ConflictError(`agent ${id} is ${a?.state ?? 'unknown'}, not in wrap-up`);
        await acd.ready(id, by(principal));
        return liveOf(id);
      },
    });
    registry.add({
      method: 'post',
      path: '/api/v1/acd/agents/{id}/wrapup',
      operationId: 'submitAcdWrapup',
      summary: 'Log the call: outcome, tags, notes, priority; stored with the call and its customer',
      tags: ['acd'],
      access: People,
      params: agentParam,
      body: wrapupSchema.extend({
        callId: z.uuid().optional().describe('The call; default: the agent’s current or last call'),
        ready: z.boolean().default(true).describe('End wrap-up now (default)'),
      }),
      status: 201,
      response: wrapupRow,
      async handler({ params, body, principal }) {
        const id = resolve(params.id, principal);
        if (!store) throw new ApiError('UNAVAILABLE', 'wrap-up needs the database');
        const a = await acd.live.agent(id);
        const callId = body.callId ?? a?.call;
        if (!callId) throw new ConflictError(`agent ${id} has no call to wrap up`);
        const same = callId === a?.call;
        await store.saveWrapup({
          callId,
          agent: id,
          queue: same ? a?.queue || null : null,
          customerPhone: same ? a?.customer || null : null,
          wrapup: body,
        });
        if (body.ready && a?.state === 'wrap_up' && same) await acd.ready(id, by(principal));
        const row = (await store.history(same ? a?.customer || '' : '', 50)).find((r) => r.callId === callId);
        return (
          row ?? {
            callId,
            agent: id,
            queue: null,
            customerPhone: null,
            ...body,
            createdAt: new Date().toISOString(),
          }
        );
      },
    });
    registry.add({
      method: 'get',
      path: '/api/v1/acd/agents/{id}/call',
      operationId: 'getAcdAgentCall',
      summary: 'The agent’s current (or last) call with its customer’s earlier notes',
      tags: ['acd'],
      access: People,
      params: agentParam,
      response: z.object({
        callId: z.string(),
        queue: z.string().nullable(),
        state: z.enum(AgentStates),
        customerPhone: z.string().nullable(),
        history: z.array(wrapupRow),
      }),
      async handler({ params, principal }) {
        const id = resolve(params.id, principal);
        const a = await acd.live.agent(id);
        if (!a?.call) throw new NotFoundError(`agent ${id} has no call`);
        const history = store && a.customer ? await store.history(a.customer) : [];
        return {
          callId: a.call,
          queue: a.queue || null,
          state: a.state,
          customerPhone: a.customer || null,
          history: history.filter((h) => h.callId !== a.call),
        };
      },
    });
    registry.add({
      method: 'get',
      path: '/api/v1/acd/customers/{phone}/history',
      operationId: 'getAcdCustomerHistory',
      summary: 'What agents logged on a customer’s calls, newest first',
      tags: ['acd'],
      access: [...People, 'analyst'],
      params: z.object({ phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'E.164, e.g. +84912345678') }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
      response: z.object({ items: z.array(wrapupRow) }),
      handler: async ({ params, query }) => ({
        items: store ? await store.history(params.phone, query.limit) : [],
      }),
    });

    // Pause reasons --------------------------------------------------------------------------
    registry.add({
      method: 'get',
      path: '/api/v1/acd/pause-reasons',
      operationId: 'listAcdPauseReasons',
      summary: 'Reason codes agents pause with',
      tags: ['acd'],
      access: 'any',
      response: z.object({ items: z.array(pauseReasonSchema) }),
      handler: () => ({ items: [...acd.directory.reasons.values()] }),
    });
    registry.add({
      method: 'put',
      path: '/api/v1/acd/pause-reasons/{code}',
      operationId: 'putAcdPauseReason',
      summary: 'Add or change a pause reason',
      tags: ['acd'],
      access: ['admin'],
      params: z.object({ code: reasonCode }),
      body: pauseReasonSchema.omit({ code: true }),
      response: pauseReasonSchema,
      async handler({ params, body }) {
        const r = pauseReasonSchema.parse({ ...body, code: params.code });
        await acd.directory.putReason(r);
        await acd.configChanged();
        return r;
      },
    });
    registry.add({
      method: 'delete',
      path: '/api/v1/acd/pause-reasons/{code}',
      operationId: 'deleteAcdPauseReason',
      summary: 'Remove a pause reason (history keeps the code)',
      tags: ['acd'],
      access: ['admin'],
      params: z.object({ code: reasonCode }),
      status: 204,
      async handler({ params }) {
        if (!(await acd.directory.deleteReason(params.code)))
          throw new NotFoundError(`no pause reason ${params.code}`);
        await acd.configChanged();
      },
    });

    // Live -----------------------------------------------------------------------------------
    registry.add({
      method: 'get',
      path: '/api/v1/acd/status',
      operationId: 'getAcdStatus',
      summary: 'Queues (waiting, longest wait, agents per state) and agents, now',
      tags: ['acd'],
      access: [...People, 'analyst'],
      response: z.record(z.string(), z.unknown()),
      handler: () => snapshot(acd),
    });
    registry.add({
      method: 'get',
      path: '/api/v1/acd/stream',
      operationId: 'streamAcd',
      summary:
        'Server-sent events: `snapshot` first (as /status), then `agent` and `queue` events as they happen',
      tags: ['acd'],
      access: [...People, 'analyst'],
      produces: 'text/event-stream',
      handler: ({ req, res }) => openStream(acd, req, res),
    });
  };
}
