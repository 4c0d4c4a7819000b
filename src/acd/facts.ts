import { z } from 'zod';
import { defineFactKind } from '../facts/fact.js';
import { AgentStates } from './model.js';

/**
 * What the ACD tells analysts, in the spirit of Asterisk's queue_log but with typed columns.
 * One `queue_events` row per step of a caller's stay, one `agent_events` row per agent state change
 * (the row closes the previous state: its start and length are on the row).
 */
export const QueueEventTypes = [
  'enter', // joined the queue (offered)
  'ring', // an agent's phone rang for the caller
  'ring_noanswer', // rang out, busy, unreachable phone, or the agent logged out/paused meanwhile (reason)
  'connect', // an agent answered: wait_seconds is the time to answer
  'complete', // the conversation ended: talk_seconds; reason says who hung up
  'abandon', // the caller hung up while waiting (or ringing)
  'timeout', // max wait reached
  'full', // refused: max length
  'empty', // refused or left: no agent logged in / available (joinEmpty/leaveEmpty)
  'overflow', // sent to the overflow destination (reason names it)
  'callback_requested', // pressed the callback key: hung up, keeps the place
  'callback_attempt', // the callback was dialled (agent first, then the customer)
  'callback_failed', // the customer did not answer an attempt (reason); may retry
  'callback_abandoned', // every attempt failed
] as const;
export type QueueEventType = (typeof QueueEventTypes)[number];

export const queueEventKind = defineFactKind({
  kind: 'queue_event',
  table: 'queue_events',
  schema: z.object({
    queue: z.string().max(63),
    call_id: z.uuid(),
    event: z.enum(QueueEventTypes),
    agent: z.string().max(63).nullable(),
    position: z.number().int().nullable(),
    priority: z.number().int().min(0).max(100).nullable(),
    wait_seconds: z.number().min(0).nullable(),
    talk_seconds: z.number().min(0).nullable(),
    service_level_seconds: z.number().int().nullable(),
    short_abandon_seconds: z.number().int().nullable(),
    reason: z.string().max(200).nullable(),
    engine: z.string().max(128).nullable(),
  }),
});

export const agentEventKind = defineFactKind({
  kind: 'agent_event',
  table: 'agent_events',
  schema: z.object({
    agent: z.string().max(63),
    event: z.enum(['login', 'logout', 'state']),
    state: z.enum(AgentStates),
    previous_state: z.enum(AgentStates),
    previous_reason: z.string().max(64).nullable(),
    previous_started_at: z.iso.datetime({ offset: true }),
    previous_seconds: z.number().min(0),
    reason: z.string().max(64).nullable(),
    queue: z.string().max(63).nullable(),
    call_id: z.uuid().nullable(),
    changed_by: z.string().max(200).nullable(),
  }),
});
