import type { Bridge, Call } from '../ari/index.js';

/**
 * The seams of the ACD: how the IVR hands a caller to a queue, and how features that act on a
 * connected conversation (recording, supervisor, transfers) learn about it. The ACD implements
 * QueueService and calls ConversationHooks; the IVR and the media features depend only on these types.
 */

export interface QueueRequest {
  queue: string;
  /** Higher is served first (0–100); VIPs and complaints arrive with more. */
  priority: number;
  /** Skills the caller needs, with the minimum level (skills-based routing). */
  skills?: Record<string, number>;
  purpose?: string | null;
  /** The caller's number, for the customer's history and callbacks. */
  customerPhone?: string | null;
  language: string;
}

/** How a caller's stay in a queue ended. */
export type QueueOutcome =
  | { result: 'answered'; agent: string; conversationId: string }
  | { result: 'callback'; callbackId: string }
  | { result: 'overflow'; destination: OverflowDestination }
  | { result: 'timeout' | 'full' | 'no_agents' | 'hangup' };

export type OverflowDestination =
  | { type: 'queue'; queue: string }
  | { type: 'voicemail'; box: string }
  | { type: 'callback' }
  | { type: 'flow'; flow: string };

export interface QueueService {
  /** Whether the queue exists (flows referring to a missing queue are refused at load). */
  has(queue: string): boolean;
  /** Queues the call; resolves when its queue stay ends (after the agent conversation when answered). */
  enter(call: Call, request: QueueRequest): Promise<QueueOutcome>;
}

/** A caller and an agent talking in a bridge the ACD made. */
export interface Conversation {
  conversationId: string;
  caller: Call;
  agentLeg: Call;
  bridge: Bridge;
  queue: string | null;
  agent: string;
  /** Aborted when the conversation ends (either side hangs up or it is transferred away). */
  signal: AbortSignal;
}

/** Features that act while caller and agent talk. Each hook must not throw (log instead). */
export interface ConversationHooks {
  /** The agent leg joined the caller's bridge; recording policy, consent prompt, supervision start here. */
  connected?(conversation: Conversation): Promise<void> | void;
  ended?(conversation: Conversation): Promise<void> | void;
}

/** Live conversations, for the API (recording pause, supervisor listen/whisper/barge, transfers). */
export interface Conversations {
  byAgent(agent: string): Conversation | undefined;
  byId(conversationId: string): Conversation | undefined;
  list(): Conversation[];
}
