import { ForbiddenError } from '../../api/errors.js';
import type { Principal } from '../../auth/roles.js';
import type { Conversation } from '../port.js';

/**
 * The agent id an API key acts as (agents' keys only). The ACD maps keys to agents; until it does,
 * an agent key's name is its agent id (`tongdai apikey create --role agent --name agent1`).
 */
export type AgentOf = (principal: Principal) => string | undefined | Promise<string | undefined>;

export const agentByKeyName: AgentOf = (p) => (p.role === 'agent' ? p.name : undefined);

/** Who is acting, for the rows we write: the key's name and prefix, never the key. */
export function actor(p: Principal): string {
  return `${p.role}:${p.name} (${p.keyPrefix})`.slice(0, 200);
}

/** Supervisors and admins act on any conversation; an agent only on their own. */
export async function assertOwnConversation(
  agentOf: AgentOf,
  principal: Principal,
  conversation: Conversation,
): Promise<void> {
  if (principal.role === 'admin' || principal.role === 'supervisor') return;
  const agent = principal.role === 'agent' ? await agentOf(principal) : undefined;
  if (agent === undefined || agent !== conversation.agent)
    throw new ForbiddenError(`conversation ${conversation.conversationId} is not yours`);
}
