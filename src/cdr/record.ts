import { z } from 'zod';

/**
 * What one call leaves: the contract between the engine (which builds records from each call's ARI
 * timeline) and the records worker (which writes them to Postgres). One record per call leg; legs of
 * one conversation share `conversationId`.
 */
export const CallDirections = ['inbound', 'outbound', 'internal'] as const;
export const CallDispositions = [
  'answered',
  'no_answer',
  'busy',
  'failed',
  'congestion',
  'abandoned',
  'voicemail',
  'callback_requested',
  'cancelled',
] as const;
/** Which side ended the call: the remote party, ours (engine/agent), or unknown (e.g. lost in an outage). */
export const HangupParties = ['caller', 'callee', 'agent', 'system', 'unknown'] as const;

/** Timeline entry types, in the spirit of Asterisk's CEL. */
export const CallEventTypes = [
  'created',
  'stasis_start',
  'ringing',
  'answered',
  'dial',
  'playback_started',
  'playback_finished',
  'dtmf',
  'recording_started',
  'recording_finished',
  'bridge_enter',
  'bridge_leave',
  'hold',
  'unhold',
  'variable',
  'hangup_request',
  'stasis_end',
  'destroyed',
  'ivr_node',
  'queue_join',
  'queue_leave',
  'agent_connect',
  'transfer',
] as const;

const isoTime = z.iso.datetime({ offset: true });
const seconds = z
  .number()
  .min(0)
  .max(86_400 * 7);
/** E.164 (+ and 8–15 digits) where the number is a phone number; extensions and anonymous pass as text. */
const number = z.string().max(64).nullable();

export const callEventSchema = z.object({
  seq: z.number().int().min(0),
  at: isoTime,
  type: z.enum(CallEventTypes),
  channelId: z.string().max(128).nullable(),
  /** Typed columns for what analysts filter on; the rest goes to detail. */
  digit: z.string().max(1).nullable().default(null),
  media: z.string().max(512).nullable().default(null),
  bridgeId: z.string().max(128).nullable().default(null),
  cause: z.number().int().nullable().default(null),
  detail: z.record(z.string(), z.unknown()).default({}),
});

export const callRecordSchema = z.object({
  callId: z.uuid(),
  /** Shared by every leg of one conversation (transfers, consultations, agent legs). */
  conversationId: z.uuid(),
  /** The leg that created this one (an agent leg's inbound call), if any. */
  parentCallId: z.uuid().nullable(),
  direction: z.enum(CallDirections),
  channelId: z.string().max(128),
  fromNumber: number,
  toNumber: number,
  did: z.string().max(64).nullable(),
  language: z.string().max(16).nullable(),
  startedAt: isoTime,
  answeredAt: isoTime.nullable(),
  endedAt: isoTime,
  ringSeconds: seconds,
  waitSeconds: seconds,
  talkSeconds: seconds,
  holdSeconds: seconds,
  wrapupSeconds: seconds,
  disposition: z.enum(CallDispositions),
  hangupCause: z.number().int().min(0).max(127).nullable(),
  hangupCauseText: z.string().max(128).nullable(),
  hangupBy: z.enum(HangupParties),
  purpose: z.string().max(64).nullable(),
  priority: z.number().int().min(0).max(100).nullable(),
  queue: z.string().max(128).nullable(),
  agent: z.string().max(128).nullable(),
  campaign: z.string().max(128).nullable(),
  leadId: z.string().max(128).nullable(),
  recordingIds: z.array(z.string().max(256)).max(100),
  events: z.array(callEventSchema).max(10_000),
});

export type CallRecord = z.infer<typeof callRecordSchema>;
export type CallEventRecord = z.infer<typeof callEventSchema>;
export type CallRecordInput = z.input<typeof callRecordSchema>;

/** The BullMQ queue records travel on; a job carries many records (BullMQ tops out near 22k jobs/s). */
export const RecordsQueueName = 'call-records';
export interface RecordsJob {
  records: CallRecordInput[];
}
/**
 * A job id derived from its records, so a retried hand-off never enqueues the same batch twice.
 * Dots, not colons: BullMQ refuses custom ids with ':' (they collide with its key layout).
 */
export function recordsJobId(records: Array<{ callId: string }>): string {
  return `records.${records[0]?.callId ?? 'empty'}.${records.length}.${records[records.length - 1]?.callId ?? ''}`;
}
