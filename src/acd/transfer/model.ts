import { z } from 'zod';
import type { Call } from '../../ari/index.js';
import type { Conversation } from '../port.js';

export const TransferKinds = ['blind', 'attended', 'conference'] as const;
export type TransferKind = (typeof TransferKinds)[number];

export const e164 = z
  .string()
  .regex(/^\+[1-9][0-9]{6,14}$/, 'a number in E.164, e.g. +842838220000 or +982188776655');

export const transferTargetSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('queue'),
    queue: z.string().min(1).max(63),
    priority: z.number().int().min(0).max(100).optional(),
  }),
  z.object({ type: z.literal('agent'), agent: z.string().min(1).max(63) }),
  z.object({ type: z.literal('number'), number: e164 }),
]);
export type TransferTarget = z.infer<typeof transferTargetSchema>;

/**
 * A transfer's life. Blind: ringing → completed | failed. Attended: ringing → consulting →
 * completed | conference | cancelled (and failed when the target never answers). Conference:
 * ringing → conference | failed. Named states, one transition helper (see TransferSession.move).
 */
export type TransferState = 'ringing' | 'consulting' | 'completed' | 'conference' | 'cancelled' | 'failed';

export const Transitions: Record<TransferState, readonly TransferState[]> = {
  ringing: ['consulting', 'completed', 'conference', 'failed', 'cancelled'],
  consulting: ['completed', 'conference', 'cancelled'],
  conference: [],
  completed: [],
  cancelled: [],
  failed: [],
};

/** Why a target could not be reached: the caller goes back to the agent (or hears a message). */
export type FailureReason =
  | 'busy'
  | 'no_answer'
  | 'unavailable'
  | 'offline'
  | 'unknown_agent'
  | 'caller_hung_up'
  | 'target_hung_up'
  | 'failed';

/**
 * What transfers need from the ACD beyond src/acd/port.ts.
 *
 * `handOff(conversation, until)`: from now on the agent leg ending must not end the caller's stay.
 * The ACD still ends the agent's side as usual (ended hooks, wrap-up, its bridge destroyed) but
 * neither hangs the caller up nor settles the caller's QueueService.enter() until `until` settles;
 * the transfer owns the caller meanwhile. `until` settles at once when the transfer fails with the
 * agent still there, so the conversation simply goes on.
 */
export interface TransferHost {
  handOff(conversation: Conversation, until: Promise<void>): void;
}

/** An agent as a transfer target: the phone to ring, or why not (busy, offline, unknown). */
export type AgentTarget =
  | { endpoint: string; release?: () => void | Promise<void> }
  | { refused: 'offline' | 'busy' | 'unknown_agent' };

/** Entries on the call records (CallRecorder timelines), wired by the engine. */
export interface TransferAnnotator {
  annotate(call: Call, fields: { queue?: string; agent?: string }): void;
  addEntry(call: Call, entry: { at: string; type: 'transfer'; detail?: Record<string, unknown> }): void;
}
