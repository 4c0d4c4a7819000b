import { z } from 'zod';
import { recordingPolicySchema } from './recording/policy.js';
import type { OverflowDestination } from './port.js';

/**
 * Queues, agents and pause reasons as data: the one zod schema validates the API, the config file
 * and what is read back from Redis/Postgres. Names follow the trade (app_queue where it has one).
 */
export const Strategies = [
  'ring-all',
  'longest-idle',
  'round-robin',
  'fewest-calls',
  'random',
  'linear',
  'weighted-random',
  'skills',
] as const;
export type Strategy = (typeof Strategies)[number];

export const AgentStates = ['logged_out', 'available', 'ringing', 'on_call', 'wrap_up', 'paused'] as const;
export type AgentState = (typeof AgentStates)[number];

/** Service-level threshold when a queue names none (app_queue's servicelevel is 0; the trade's is 20 s). */
export const DefaultServiceLevelSeconds = 20;
export const DefaultRingTimeoutSeconds = 15;
export const DefaultShortAbandonSeconds = 5;

export const queueId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -, at most 63')
  .describe('Queue id');
export const agentId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, _ . and -, at most 63')
  .describe('Agent id');
export const reasonCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, _ and -, at most 32');

const skillMap = z
  .record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/), z.number().int().min(1).max(10))
  .describe('Skill → level 1..10');

export const overflowSchema: z.ZodType<OverflowDestination> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queue'), queue: queueId }),
  z.object({ type: z.literal('voicemail'), box: z.string().min(1).max(64) }),
  z.object({ type: z.literal('callback') }),
  z.object({ type: z.literal('flow'), flow: z.string().min(1).max(64) }),
]);

export const queueSchema = z
  .object({
    id: queueId,
    name: z.string().min(1).max(200).optional(),
    strategy: z.enum(Strategies).default('longest-idle'),
    /** Seconds an agent rings before the next one is tried. */
    ringTimeoutSeconds: z.number().int().min(3).max(300).default(DefaultRingTimeoutSeconds),
    /** Seconds between two rounds of ringing for the same caller (app_queue `retry`). */
    retrySeconds: z.number().min(0).max(60).default(1),
    /** Longest stay before the caller leaves (timeout, or the overflow destination); null: no limit. */
    maxWaitSeconds: z.number().int().min(1).max(86_400).nullable().default(null),
    /** Most callers waiting at once; the next is refused (full); null: no limit. */
    maxLength: z.number().int().min(1).max(100_000).nullable().default(null),
    /** Entering when no agent is logged in (`loggedout`) or none is available (`unavailable`): app_queue's joinempty. */
    joinEmpty: z.enum(['always', 'loggedout', 'unavailable']).default('always'),
    /** Leaving a waiting caller when no agent is logged in / available any more: app_queue's leavewhenempty. */
    leaveEmpty: z.enum(['never', 'loggedout', 'unavailable']).default('never'),
    /** Where a caller goes on timeout/full/empty instead of just leaving. */
    overflow: overflowSchema.nullable().default(null),
    /** Music-on-hold class while waiting. */
    moh: z.string().min(1).max(64).default('default'),
    announcePosition: z.boolean().default(true),
    announceEstimate: z.boolean().default(true),
    /** Seconds between position/estimate announcements (and periodic messages); 0 turns them off. */
    announceEverySeconds: z.number().int().min(0).max(3600).default(60),
    periodicMedia: z.array(z.string().min(1).max(256)).max(20).default([]),
    /** Played once on entry. */
    greeting: z.string().min(1).max(256).nullable().default(null),
    wrapupSeconds: z.number().int().min(0).max(3600).default(10),
    serviceLevelSeconds: z.number().int().min(1).max(3600).default(DefaultServiceLevelSeconds),
    shortAbandonSeconds: z.number().int().min(0).max(600).default(DefaultShortAbandonSeconds),
    /** Pause an agent who lets a call ring out (reason `ring_no_answer`). */
    ringNoAnswerPause: z.boolean().default(false),
    /** Skills-based: how many levels the required level drops per `widenEverySeconds` waited. */
    widenEverySeconds: z.number().int().min(1).max(3600).default(30),
    /** Key a waiting caller presses to be called back, keeping their place; null: no callback offer. */
    callbackKey: z
      .string()
      .regex(/^[0-9*#]$/)
      .nullable()
      .default(null),
    /** Dial string for callbacks, `{number}` replaced by the caller's number. */
    callbackEndpoint: z.string().min(1).max(200).default('PJSIP/{number}@trunk'),
    callbackAttempts: z.number().int().min(1).max(10).default(3),
    /** Seconds the customer's phone rings on a callback attempt. */
    callbackRingSeconds: z.number().int().min(3).max(120).default(30),
    callbackRetrySeconds: z.number().int().min(1).max(86_400).default(120),
    /** Recording of this queue's conversations (always/never/on_demand, consent prompt); null: the site default. */
    recording: recordingPolicySchema.nullable().default(null),
  })
  .strict();
export type QueueConfig = z.output<typeof queueSchema>;
export type QueueInput = z.input<typeof queueSchema>;

export const agentSchema = z
  .object({
    id: agentId,
    name: z.string().min(1).max(200),
    /** Dial string of the agent's phone (PJSIP/agent7). */
    endpoint: z.string().min(1).max(200),
    /** The API key name (principal) this agent signs in with; lets the agent change its own state. */
    principal: z.string().min(1).max(200).nullable().default(null),
    skills: skillMap.default({}),
    /** Overrides the queue's wrap-up seconds for this agent. */
    wrapupSeconds: z.number().int().min(0).max(3600).nullable().default(null),
    /** Weight for weighted-random (higher rings more often). */
    weight: z.number().int().min(1).max(100).default(1),
  })
  .strict();
export type AgentConfig = z.output<typeof agentSchema>;
export type AgentInput = z.input<typeof agentSchema>;

export const pauseReasonSchema = z.object({
  code: reasonCode,
  label: z.string().min(1).max(200),
  /** Counted as productive (training, back office) rather than away (break, lunch) in reports. */
  productive: z.boolean().default(false),
});
export type PauseReason = z.output<typeof pauseReasonSchema>;

/** Reasons the ACD itself pauses an agent with; always accepted. */
export const SystemPauseReasons: readonly PauseReason[] = [
  { code: 'ring_no_answer', label: 'Let a call ring out', productive: false },
];

export const DefaultPauseReasons: readonly PauseReason[] = [
  { code: 'break', label: 'Break', productive: false },
  { code: 'lunch', label: 'Lunch', productive: false },
  { code: 'training', label: 'Training', productive: true },
  { code: 'meeting', label: 'Meeting', productive: true },
  { code: 'back_office', label: 'Back-office work', productive: true },
];

/** One agent's membership of one queue. */
export const membershipSchema = z.object({
  queue: queueId,
  penalty: z.number().int().min(0).max(100).default(0),
});
export type Membership = z.output<typeof membershipSchema>;

export const wrapupSchema = z.object({
  outcome: z.string().min(1).max(64).describe('Outcome (disposition) code, e.g. sale, resolved, escalated'),
  tags: z.array(z.string().min(1).max(64)).max(20).default([]),
  notes: z.string().max(4000).default(''),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
});
export type WrapupInput = z.output<typeof wrapupSchema>;
