import { z } from 'zod';
import { ApiError, ForbiddenError, NotFoundError } from '../api/errors.js';
import type { RouteRegistry } from '../api/registry.js';
import type { StoredRecordings } from '../ari/index.js';
import { AriNotFoundError } from '../ari/index.js';
import type { Principal } from '../auth/roles.js';
import type { BoxScope, PgVoicemailStore } from './store.js';
import { OwnerTypes, type VoicemailBox } from './types.js';

export interface VoicemailRouteDeps {
  store: PgVoicemailStore;
  /** Asterisk's stored recordings, once ARI is connected. */
  recordings(): StoredRecordings | undefined;
  /** Queues and teams an agent belongs to (the ACD), so they read those boxes too. */
  memberships?(agent: string): Promise<Array<{ type: 'queue' | 'team'; id: string }>>;
}

const boxIdParam = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a voicemail box id');
const box = z.object({
  box_id: z.string(),
  name: z.string(),
  language: z.string(),
  greeting: z.string().nullable(),
  owner_type: z.enum(OwnerTypes),
  owner_id: z.string(),
  max_message_seconds: z.number().int(),
});
const message = z.object({
  id: z.uuid(),
  box_id: z.string(),
  call_id: z.uuid(),
  caller_number: z.string().nullable(),
  duration_seconds: z.number(),
  language: z.string().nullable(),
  created_at: z.string(),
  heard_at: z.string().nullable(),
  heard_by: z.string().nullable(),
});

const boxOut = (b: VoicemailBox) => ({
  box_id: b.boxId,
  name: b.name,
  language: b.language,
  greeting: b.greeting,
  owner_type: b.ownerType,
  owner_id: b.ownerId,
  max_message_seconds: b.maxMessageSeconds,
});
const messageOut = (m: Awaited<ReturnType<PgVoicemailStore['message']>> & object) => ({
  id: m.id,
  box_id: m.boxId,
  call_id: m.callId,
  caller_number: m.callerNumber,
  duration_seconds: m.durationSeconds,
  language: m.language,
  created_at: m.createdAt,
  heard_at: m.heardAt,
  heard_by: m.heardBy,
});

/**
 * /api/v1/voicemail: boxes and messages by role. Supervisors and admins see every box; an agent sees
 * the boxes it owns (owner agent = its API key name) and those of its queues/teams; the audio streams
 * from Asterisk's stored recordings. Deleting is for supervisors and admins.
 */
export function registerVoicemailRoutes(deps: VoicemailRouteDeps) {
  const { store } = deps;
  const scopeOf = async (p: Principal): Promise<BoxScope> => {
    if (p.role !== 'agent') return 'all';
    const member = (await deps.memberships?.(p.name)) ?? [];
    return { owners: [{ type: 'agent', id: p.name }, ...member] };
  };
  const mayRead = async (p: Principal, b: VoicemailBox) => {
    const scope = await scopeOf(p);
    return scope === 'all' || scope.owners.some((o) => o.type === b.ownerType && o.id === b.ownerId);
  };
  /** The box, or 404; an agent asking for someone else's box gets 403. */
  const readableBox = async (p: Principal, boxId: string) => {
    const b = await store.box(boxId);
    if (!b) throw new NotFoundError(`no voicemail box ${boxId}`);
    if (!(await mayRead(p, b))) throw new ForbiddenError(`voicemail box ${boxId} is not yours`);
    return b;
  };
  const readableMessage = async (p: Principal, id: string) => {
    const m = await store.message(id);
    if (!m) throw new NotFoundError(`no voicemail ${id}`);
    await readableBox(p, m.boxId);
    return m;
  };
  const Readers = ['agent', 'supervisor', 'admin'] as const;

  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'get',
      path: '/api/v1/voicemail/boxes',
      operationId: 'listVoicemailBoxes',
      summary: 'Voicemail boxes the caller may read, with message and unheard counts',
      tags: ['voicemail'],
      access: Readers,
      response: z.object({
        items: z.array(box.extend({ messages: z.number().int(), unheard: z.number().int() })),
      }),
      handler: async ({ principal }) => ({
        items: (await store.boxes(await scopeOf(principal!))).map((b) => ({
          ...boxOut(b),
          messages: b.messages,
          unheard: b.unheard,
        })),
      }),
    });

    registry.add({
      method: 'put',
      path: '/api/v1/voicemail/boxes/{boxId}',
      operationId: 'putVoicemailBox',
      summary: 'Create or change a voicemail box',
      tags: ['voicemail'],
      access: ['admin'],
      params: z.object({ boxId: boxIdParam }),
      body: z.object({
        name: z.string().min(1).max(200),
        language: z
          .string()
          .regex(/^[a-z]{2}(_[A-Z]{2})?$/, 'a language code such as en, vi or fa')
          .default('en'),
        greeting: z
          .string()
          .regex(/^(sound|recording):[^,]+$/, 'a sound: or recording: URI')
          .nullable()
          .default(null),
        owner_type: z.enum(OwnerTypes),
        owner_id: z.string().min(1).max(200),
        max_message_seconds: z.number().int().min(5).max(3600).default(120),
      }),
      response: box,
      handler: async ({ params, body }) =>
        boxOut(
          await store.putBox({
            boxId: params.boxId,
            name: body.name,
            language: body.language,
            greeting: body.greeting,
            ownerType: body.owner_type,
            ownerId: body.owner_id,
            maxMessageSeconds: body.max_message_seconds,
          }),
        ),
    });

    registry.add({
      method: 'get',
      path: '/api/v1/voicemail/boxes/{boxId}/messages',
      operationId: 'listVoicemails',
      summary: 'Messages of a box, newest first',
      tags: ['voicemail'],
      access: Readers,
      params: z.object({ boxId: boxIdParam }),
      query: z.object({
        heard: z.enum(['true', 'false']).optional().describe('Only heard (true) or new (false) messages'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: z.object({ items: z.array(message) }),
      handler: async ({ params, query, principal }) => {
        await readableBox(principal!, params.boxId);
        const items = await store.messages(params.boxId, {
          ...(query.heard ? { heard: query.heard === 'true' } : {}),
          limit: query.limit,
          offset: query.offset,
        });
        return { items: items.map(messageOut) };
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/voicemail/messages/{id}',
      operationId: 'getVoicemail',
      summary: 'One message',
      tags: ['voicemail'],
      access: Readers,
      params: z.object({ id: z.uuid() }),
      response: message,
      handler: async ({ params, principal }) => messageOut(await readableMessage(principal!, params.id)),
    });

    registry.add({
      method: 'get',
      path: '/api/v1/voicemail/messages/{id}/audio',
      operationId: 'getVoicemailAudio',
      summary: "The message's audio (WAV), streamed from Asterisk's stored recordings",
      tags: ['voicemail'],
      access: Readers,
      params: z.object({ id: z.uuid() }),
      produces: 'audio/wav',
      handler: async ({ params, principal, res }) => {
        const m = await readableMessage(principal!, params.id);
        const recordings = deps.recordings();
        if (!recordings) throw new ApiError('UNAVAILABLE', 'Asterisk is not connected yet');
        let file: { data: Buffer; contentType: string };
        try {
          file = await recordings.file(m.recordingName);
        } catch (err) {
          if (err instanceof AriNotFoundError)
            throw new NotFoundError(`the audio of voicemail ${m.id} is no longer in Asterisk`);
          throw err;
        }
        res
          .status(200)
          .type(file.contentType)
          .set('content-disposition', `inline; filename="voicemail-${m.id}.wav"`)
          .send(file.data);
        return '';
      },
    });

    registry.add({
      method: 'post',
      path: '/api/v1/voicemail/messages/{id}/heard',
      operationId: 'markVoicemailHeard',
      summary: 'Mark a message heard (who and when; the first listener is kept)',
      tags: ['voicemail'],
      access: Readers,
      params: z.object({ id: z.uuid() }),
      response: message,
      handler: async ({ params, principal }) => {
        await readableMessage(principal!, params.id);
        return messageOut((await store.markHeard(params.id, principal!.name))!);
      },
    });

    registry.add({
      method: 'delete',
      path: '/api/v1/voicemail/messages/{id}',
      operationId: 'deleteVoicemail',
      summary: 'Delete a message and its audio',
      tags: ['voicemail'],
      access: ['supervisor'],
      params: z.object({ id: z.uuid() }),
      status: 204,
      handler: async ({ params }) => {
        const m = await store.message(params.id);
        if (!m) throw new NotFoundError(`no voicemail ${params.id}`);
        const recordings = deps.recordings();
        if (!recordings) throw new ApiError('UNAVAILABLE', 'Asterisk is not connected yet');
        // Audio first: a row without audio can be deleted again; audio without a row is lost track of.
        await recordings.delete(m.recordingName);
        await store.deleteMessage(m.id);
      },
    });
  };
}
