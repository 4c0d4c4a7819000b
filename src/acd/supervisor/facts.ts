import { z } from 'zod';
import { defineFactKind } from '../../facts/fact.js';

export const SupervisionModes = ['listen', 'whisper', 'barge'] as const;
export type SupervisionMode = (typeof SupervisionModes)[number];

/** start: the supervisor's phone answered and joined; mode: switched; stop: left (reason says why); failed: could not join. */
export const SupervisorActions = ['start', 'mode', 'stop', 'failed'] as const;

/** One row per supervisor action on an agent's conversation: who listened to whom, how and how long. */
export const supervisorEventKind = defineFactKind({
  kind: 'supervisor_event',
  table: 'supervisor_events',
  schema: z.object({
    session_id: z.uuid(),
    action: z.enum(SupervisorActions),
    mode: z.enum(SupervisionModes),
    previous_mode: z.enum(SupervisionModes).nullable(),
    supervisor: z.string().max(200),
    supervisor_endpoint: z.string().max(128),
    supervisor_call_id: z.uuid().nullable(),
    conversation_id: z.string().max(128),
    call_id: z.uuid(),
    agent_call_id: z.uuid(),
    agent: z.string().max(128),
    queue: z.string().max(128).nullable(),
    seconds: z.number().min(0).nullable(),
    reason: z.string().max(200).nullable(),
  }),
});
