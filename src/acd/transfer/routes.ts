import { z } from 'zod';
import { ForbiddenError, NotFoundError, ValidationError } from '../../api/errors.js';
import type { RouteRegistry } from '../../api/registry.js';
import type { Principal } from '../../auth/roles.js';
import type { Conversation, Conversations } from '../port.js';
import { actor, type AgentOf, assertOwnConversation } from '../recording/access.js';
import { TransferKinds, transferTargetSchema } from './model.js';
import type { TransferService, TransferView } from './service.js';

const transferSchema = z.object({
  transferId: z.string(),
  conversationId: z.string(),
  kind: z.enum(TransferKinds),
  target: transferTargetSchema,
  state: z.string(),
  reason: z.string().nullable(),
  callerWith: z.string().nullable(),
  targetCallId: z.string().nullable(),
  agent: z.string(),
  by: z.string(),
  startedAt: z.string(),
});

/**
 * /api/v1/transfers: an agent transfers their current call (blind, attended, three-way) to a queue,
 * an agent or a number; supervisors may act on any conversation (naming conversation_id).
 */
export function registerTransferRoutes(o: {
  service: TransferService;
  conversations: Conversations;
  agentOf: AgentOf;
}) {
  const conversationFor = async (p: Principal, conversationId: string | undefined): Promise<Conversation> => {
    if (conversationId !== undefined) {
      const c = o.conversations.byId(conversationId);
      if (!c || c.signal.aborted) throw new NotFoundError(`no live conversation ${conversationId}`);
      await assertOwnConversation(o.agentOf, p, c);
      return c;
    }
    if (p.role !== 'agent')
      throw new ValidationError([
        { path: 'body.conversation_id', message: 'required unless an agent transfers their own call' },
      ]);
    const agent = await o.agentOf(p);
    if (agent === undefined) throw new ForbiddenError('this agent key is not linked to an agent');
    const c = o.conversations.byAgent(agent);
    if (!c || c.signal.aborted) throw new NotFoundError(`agent ${agent} is not on a call`);
    return c;
  };
  const mine = async (p: Principal, t: TransferView): Promise<void> => {
    const c = o.conversations.byId(t.conversationId);
    if (c) await assertOwnConversation(o.agentOf, p, c);
    else if (p.role === 'agent') throw new ForbiddenError(`transfer ${t.transferId} is not yours`);
  };

  return (registry: RouteRegistry): void => {
    registry.add({
      method: 'post',
      path: '/api/v1/transfers',
      operationId: 'startTransfer',
      summary:
        'Transfer the current call: blind (answers once the target answered or failed), attended (answers once consulting) or conference (three-way)',
      tags: ['transfers'],
      access: ['agent', 'supervisor'],
      status: 201,
      body: z.object({
        kind: z.enum(TransferKinds),
        target: transferTargetSchema,
        conversation_id: z.string().min(1).max(128).optional(),
      }),
      response: transferSchema,
      async handler({ body, principal }) {
        const c = await conversationFor(principal!, body.conversation_id);
        return o.service.start(c.conversationId, body.kind, body.target, actor(principal!));
      },
    });

    registry.add({
      method: 'get',
      path: '/api/v1/transfers',
      operationId: 'listTransfers',
      summary: 'Transfers in progress (agents: their own calls)',
      tags: ['transfers'],
      access: ['agent', 'supervisor'],
      response: z.object({ items: z.array(transferSchema) }),
      async handler({ principal }) {
        const items = o.service.list();
        if (principal!.role !== 'agent') return { items };
        const agent = await o.agentOf(principal!);
        return { items: items.filter((t) => t.agent === agent) };
      },
    });

    const action = (
      name: 'complete' | 'cancel' | 'conference',
      summary: string,
      run: (id: string) => Promise<TransferView>,
    ) =>
      registry.add({
        method: 'post',
        path: `/api/v1/transfers/{transferId}/${name}`,
        operationId: `${name}Transfer`,
        summary,
        tags: ['transfers'],
        access: ['agent', 'supervisor'],
        params: z.object({ transferId: z.uuid() }),
        response: transferSchema,
        async handler({ params, principal }) {
          await mine(principal!, o.service.get(params.transferId));
          return run(params.transferId);
        },
      });
    action('complete', 'Attended transfer: hand the caller to the consulted party and leave', (id) =>
      o.service.completeAttended(id),
    );
    action('cancel', 'Attended transfer: hang up the consulted party and take the caller back', (id) =>
      o.service.cancel(id),
    );
    action('conference', 'Attended transfer: bring the caller in (three-way conference)', (id) =>
      o.service.conferenceAttended(id),
    );
  };
}
