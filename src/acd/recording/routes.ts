import { z } from 'zod';
import type { StoredRecordings } from '../../ari/index.js';
import { AriNotFoundError } from '../../ari/index.js';
import { ApiError, ForbiddenError, NotFoundError } from '../../api/errors.js';
import type { RouteRegistry } from '../../api/registry.js';
import type { Principal } from '../../auth/roles.js';
import type { Logger } from '../../log/index.js';
import type { Conversations } from '../port.js';
import { actor, type AgentOf, assertOwnConversation } from './access.js';
import { purgeExpiredRecordings } from './retention.js';
import type { RecordingService } from './service.js';
import type { PauseRow, RecordingRow, RecordingStore } from './store.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const num = (v: string | null) => (v === null ? null : Number(v));

const recordingSchema = z.object({
  id: z.string(),
  call_id: z.string(),
  agent_call_id: z.string().nullable(),
  conversation_id: z.string(),
  queue: z.string().nullable(),
  agent: z.string(),
  name: z.string(),
  format: z.string(),
  policy: z.string(),
  consent: z.string(),
  consent_prompt: z.string().nullable(),
  language: z.string().nullable(),
  status: z.string(),
  started_by: z.string(),
  stopped_by: z.string().nullable(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  duration_seconds: z.number().nullable(),
  paused_seconds: z.number(),
  failure: z.string().nullable(),
  purge_after: z.string().nullable(),
  purged_at: z.string().nullable(),
  file_available: z.boolean(),
});
const pauseSchema = z.object({
  seq: z.number().int(),
  paused_at: z.string(),
  resumed_at: z.string().nullable(),
  offset_start_seconds: z.number(),
  offset_end_seconds: z.number().nullable(),
  paused_by: z.string(),
  resumed_by: z.string().nullable(),
  reason: z.string().nullable(),
});
const liveSchema = z.object({
  recordingId: z.string(),
  conversationId: z.string(),
  state: z.string(),
  pauses: z.number().int(),
});

function view(r: RecordingRow) {
  return {
    ...r,
    started_at: r.started_at.toISOString(),
    ended_at: iso(r.ended_at),
    purge_after: iso(r.purge_after),
    purged_at: iso(r.purged_at),
    duration_seconds: num(r.duration_seconds),
    paused_seconds: Number(r.paused_seconds),
    file_available: r.purged_at === null && (r.status === 'finished' || r.status === 'failed'),
  };
}
function pauseView(p: PauseRow) {
  return {
    seq: p.seq,
    paused_at: p.paused_at.toISOString(),
    resumed_at: iso(p.resumed_at),
    offset_start_seconds: Number(p.offset_start_seconds),
    offset_end_seconds: num(p.offset_end_seconds),
    paused_by: p.paused_by,
    resumed_by: p.resumed_by,
    reason: p.reason,
  };
}

export interface RecordingRoutesOptions {
  store: RecordingStore;
  service: RecordingService;
  conversations: Conversations;
  stored: () => StoredRecordings | undefined;
  agentOf: AgentOf;
  logger: Logger;
}

/**
 * /api/v1/recordings. Who sees what:
 * - supervisors and admins: every recording, metadata and audio;
 * - agents: only recordings of their own conversations (agent = their id), metadata and audio;
 *   another agent's recording answers 403;
 * - analysts: metadata of every recording (durations, pauses, consent) but never the audio.
 * Live control (start/pause/resume/stop) is for the conversation's own agent or a supervisor.
 */
export function registerRecordingRoutes(o: RecordingRoutesOptions) {
  /** An agent sees only their own; undefined means "no restriction". */
  const restrictTo = async (p: Principal): Promise<string | undefined> => {
    if (p.role !== 'agent') return undefined;
    const agent = await o.agentOf(p);
    if (agent === undefined) throw new ForbiddenError('this agent key is not linked to an agent');
    return agent;
  };
  const readable = async (p: Principal, id: string) => {
    const found = await o.store.get(id);
    if (!found) throw new NotFoundError(`no recording ${id}`);
    const own = await restrictTo(p);
    if (own !== undefined && found.recording.agent !== own)
      throw new ForbiddenError(`recording ${id} is not from one of your calls`);
    return found;
  };
  const live = async (p: Principal, conversationId: string) => {
    const c = o.conversations.byId(conversationId);
    if (!c || c.signal.aborted) throw new NotFoundError(`no live conversation ${conversationId}`);
    await assertOwnConversation(o.agentOf, p, c);
  };
  const conversationParams = z.object({ conversationId: z.string().min(1).max(128) });

  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'get',
      path: '/api/v1/recordings',
      operationId: 'listRecordings',
      summary: 'Recordings, newest first (agents: their own calls only)',
      tags: ['recordings'],
      access: ['agent', 'supervisor', 'analyst'],
      query: z.object({
        agent: z.string().max(128).optional(),
        queue: z.string().max(128).optional(),
        call_id: z.uuid().optional(),
        conversation_id: z.string().max(128).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }),
      response: z.object({ items: z.array(recordingSchema), total: z.number().int() }),
      async handler({ query, principal }) {
        const own = await restrictTo(principal!);
        if (own !== undefined && query.agent !== undefined && query.agent !== own)
          throw new ForbiddenError(`agents may list only their own recordings (agent=${own})`);
        const { items, total } = await o.store.list({
          agent: own ?? query.agent,
          queue: query.queue,
          callId: query.call_id,
          conversationId: query.conversation_id,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
          limit: query.limit,
          offset: query.offset,
        });
        return { items: items.map(view), total };
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/recordings/{id}',
      operationId: 'getRecording',
      summary: 'One recording with its paused intervals',
      tags: ['recordings'],
      access: ['agent', 'supervisor', 'analyst'],
      params: z.object({ id: z.uuid() }),
      response: recordingSchema.extend({ pauses: z.array(pauseSchema) }),
      async handler({ params, principal }) {
        const { recording, pauses } = await readable(principal!, params.id);
        return { ...view(recording), pauses: pauses.map(pauseView) };
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/recordings/{id}/file',
      operationId: 'getRecordingFile',
      summary: 'The audio (agents: their own calls; analysts may not listen)',
      tags: ['recordings'],
      access: ['agent', 'supervisor'],
      params: z.object({ id: z.uuid() }),
      produces: 'audio/*',
      async handler({ params, principal, res, logger }) {
        const { recording } = await readable(principal!, params.id);
        if (recording.purged_at)
          throw new NotFoundError(
            `recording ${params.id} was deleted on ${recording.purged_at.toISOString()} (retention)`,
          );
        if (recording.status === 'recording' || recording.status === 'paused')
          throw new NotFoundError(`recording ${params.id} is still in progress`);
        const stored = o.stored();
        if (!stored)
          throw new ApiError('UNAVAILABLE', 'recordings are unavailable: Asterisk is not connected');
        let file: { data: Buffer; contentType: string };
        try {
          file = await stored.file(recording.name);
        } catch (err) {
          if (err instanceof AriNotFoundError)
            throw new NotFoundError(`the file of recording ${params.id} is missing`);
          throw err;
        }
        logger.info('recording fetched', { recordingId: params.id, by: actor(principal!) });
        res
          .status(200)
          .type(file.contentType)
          .set('content-disposition', `inline; filename="${params.id}.${recording.format}"`)
          .send(file.data);
        return '';
      },
    });

    const control = (
      action: 'start' | 'pause' | 'resume' | 'stop',
      summary: string,
      run: (conversationId: string, by: string, reason: string | null) => Promise<unknown>,
    ) =>
      registry.add({
        method: 'post',
        path: `/api/v1/recordings/live/{conversationId}/${action}`,
        operationId: `${action}Recording`,
        summary,
        tags: ['recordings'],
        access: ['agent', 'supervisor'],
        params: conversationParams,
        body: z.object({ reason: z.string().min(1).max(64).optional() }).optional(),
        response: z.object({
          recordingId: z.string(),
          conversationId: z.string(),
          state: z.string(),
          pauses: z.number().int(),
          consent: z.string().optional(),
        }),
        async handler({ params, principal, body }) {
          await live(principal!, params.conversationId);
          const by = actor(principal!);
          const result = (await run(params.conversationId, by, body?.reason ?? null)) as {
            recordingId: string;
            consent?: string;
          };
          const status = o.service.status(params.conversationId);
          return {
            recordingId: result.recordingId,
            conversationId: params.conversationId,
            state: status?.state ?? (action === 'start' ? (result.consent ?? 'declined') : 'stopped'),
            pauses: status?.pauses ?? 0,
            ...(result.consent ? { consent: result.consent } : {}),
          };
        },
      });
    control(
      'start',
      'Start recording a live conversation (on-demand policy); plays the consent prompt first',
      (c, by) => o.service.start(c, by),
    );
    control(
      'pause',
      'Pause (the file is silent until resumed), e.g. while the caller gives card data',
      (c, by, reason) => o.service.pause(c, by, reason),
    );
    control('resume', 'Resume a paused recording', (c, by) => o.service.resume(c, by));
    control('stop', 'Stop recording this conversation', (c, by) => o.service.stop(c, by));

    registry.add({
      method: 'get',
      path: '/api/v1/recordings/live/{conversationId}',
      operationId: 'getLiveRecording',
      summary: 'Recording state of a live conversation',
      tags: ['recordings'],
      access: ['agent', 'supervisor'],
      params: conversationParams,
      response: liveSchema.extend({ policy: z.string() }),
      async handler({ params, principal }) {
        await live(principal!, params.conversationId);
        const s = o.service.status(params.conversationId);
        if (!s) throw new NotFoundError(`conversation ${params.conversationId} is not being recorded`);
        return { ...s, policy: o.service.policyOf(params.conversationId).mode };
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/recordings/purge',
      operationId: 'purgeRecordings',
      summary: 'Delete the files whose retention has passed now (the hourly job does the same)',
      tags: ['recordings'],
      access: ['admin'],
      response: z.object({ purged: z.number().int(), failed: z.number().int() }),
      async handler() {
        const stored = o.stored();
        if (!stored)
          throw new ApiError('UNAVAILABLE', 'recordings are unavailable: Asterisk is not connected');
        return purgeExpiredRecordings({ store: o.store, stored, logger: o.logger });
      },
    });
  };
}
