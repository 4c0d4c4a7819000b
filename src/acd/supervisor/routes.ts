import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../api/errors.js';
import type { RouteRegistry } from '../../api/registry.js';
import type { Conversations } from '../port.js';
import { actor } from '../recording/access.js';
import { SupervisionModes } from './facts.js';
import type { SupervisorService } from './service.js';

/**
 * A phone of the site, never a trunk: supervision must not become a way to dial out
 * (PJSIP/supervisor1, SIP/200, IAX2/boss; no "@trunk", no "trunk/<number>").
 */
export const supervisorEndpoint = z
  .string()
  .regex(/^(PJSIP|SIP|IAX2)\/[A-Za-z0-9_.-]{1,64}$/, 'a phone of the site such as PJSIP/supervisor1')
  .refine((e) => !/^[A-Z0-9]+\/trunk/i.test(e), 'a trunk is not a supervisor phone');

const sessionSchema = z.object({
  sessionId: z.string(),
  conversationId: z.string(),
  agent: z.string(),
  queue: z.string().nullable(),
  mode: z.enum(SupervisionModes),
  supervisor: z.string(),
  endpoint: z.string(),
  state: z.string(),
  startedAt: z.string(),
});

/** /api/v1/supervision: listen, whisper and barge; supervisors and admins only. */
export function registerSupervisorRoutes(o: { service: SupervisorService; conversations: Conversations }) {
  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'post',
      path: '/api/v1/supervision',
      operationId: 'startSupervision',
      summary:
        "Listen to, whisper to or barge into an agent's live call: the supervisor's phone rings, then joins",
      tags: ['supervisor'],
      access: ['supervisor'],
      status: 201,
      body: z.object({
        agent: z.string().min(1).max(128).optional().describe('The agent whose current call to join'),
        conversation_id: z.string().min(1).max(128).optional(),
        mode: z.enum(SupervisionModes),
        endpoint: supervisorEndpoint.describe("The supervisor's phone"),
      }),
      response: sessionSchema,
      async handler({ body, principal }) {
        if ((body.agent === undefined) === (body.conversation_id === undefined))
          throw new ValidationError([
            { path: 'body.agent', message: 'give exactly one of agent or conversation_id' },
          ]);
        const conversation =
          body.agent !== undefined
            ? o.conversations.byAgent(body.agent)
            : o.conversations.byId(body.conversation_id!);
        if (!conversation)
          throw new NotFoundError(
            body.agent !== undefined
              ? `agent ${body.agent} is not on a call`
              : `no live conversation ${body.conversation_id}`,
          );
        return o.service.start(conversation.conversationId, {
          mode: body.mode,
          endpoint: body.endpoint,
          supervisor: actor(principal!),
        });
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/supervision',
      operationId: 'listSupervision',
      summary: 'Supervision sessions in progress',
      tags: ['supervisor'],
      access: ['supervisor'],
      response: z.object({ items: z.array(sessionSchema) }),
      handler: () => ({ items: o.service.list() }),
    });

    registry.add({
      method: 'patch',
      path: '/api/v1/supervision/{sessionId}',
      operationId: 'changeSupervisionMode',
      summary: 'Switch between listen, whisper and barge without ringing the supervisor again',
      tags: ['supervisor'],
      access: ['supervisor'],
      params: z.object({ sessionId: z.uuid() }),
      body: z.object({ mode: z.enum(SupervisionModes) }),
      response: sessionSchema,
      handler: ({ params, body, principal }) =>
        o.service.setMode(params.sessionId, body.mode, actor(principal!)),
    });

    registry.add({
      method: 'delete',
      path: '/api/v1/supervision/{sessionId}',
      operationId: 'stopSupervision',
      summary: "Leave the call: the supervisor's phone is hung up, the conversation goes on",
      tags: ['supervisor'],
      access: ['supervisor'],
      params: z.object({ sessionId: z.uuid() }),
      status: 204,
      async handler({ params }) {
        await o.service.stop(params.sessionId);
      },
    });
  };
}
