import { z } from 'zod';
import type { Conversation } from '../port.js';

/** always: every conversation of the queue is recorded; never: none may be; on_demand: agent or supervisor starts it. */
export const RecordingModes = ['always', 'never', 'on_demand'] as const;
export type RecordingMode = (typeof RecordingModes)[number];

export const recordingPolicySchema = z.object({
  mode: z.enum(RecordingModes),
  /** Sound played to the caller, in the caller's language, before recording starts; null: none. */
  consentPrompt: z
    .string()
    .min(1)
    .max(256)
    .regex(/^((sound|recording):)?[A-Za-z0-9_\-/.]+$/, 'a sound name or sound:/recording: URI')
    .transform((m) => (/^(sound|recording):/.test(m) ? m : `sound:${m}`))
    .nullable()
    .default(null),
  /** A key the caller may press during the prompt to refuse recording (opt-out jurisdictions). */
  optOutDigit: z
    .string()
    .regex(/^[0-9*#]$/, 'one key: 0-9, * or #')
    .nullable()
    .default(null),
  format: z.enum(['wav', 'gsm', 'ulaw', 'alaw', 'sln16', 'wav49']).default('wav'),
  /** Days the file is kept; null: the service's default (RECORDING_RETENTION_DAYS). */
  retentionDays: z.number().int().min(1).max(36_500).nullable().default(null),
});
export type RecordingPolicy = z.output<typeof recordingPolicySchema>;
export type RecordingPolicyInput = z.input<typeof recordingPolicySchema>;

/**
 * Which policy a conversation gets. Per queue today; a campaign's conversations can get theirs by
 * giving the service a lookup that reads the campaign first.
 */
export type PolicyLookup = (conversation: Conversation) => RecordingPolicy | Promise<RecordingPolicy>;

export const NeverRecord: RecordingPolicy = recordingPolicySchema.parse({ mode: 'never' });

/** A lookup from a table of queue policies (validated now, so a bad entry fails at start-up). */
export function queuePolicies(
  byQueue: Record<string, RecordingPolicyInput>,
  fallback: RecordingPolicyInput = { mode: 'on_demand' },
): PolicyLookup {
  const table = new Map(Object.entries(byQueue).map(([q, p]) => [q, recordingPolicySchema.parse(p)]));
  const other = recordingPolicySchema.parse(fallback);
  return (c) => (c.queue !== null && table.get(c.queue)) || other;
}

/**
 * A lookup over live queue definitions (e.g. a `recording` field of the ACD's queue config, typed
 * with recordingPolicySchema), so a queue changed through the API records by its new policy at once.
 * A definition that does not parse counts as the fallback.
 */
export function policyByQueue(
  get: (queue: string) => RecordingPolicyInput | null | undefined,
  fallback: RecordingPolicyInput = { mode: 'on_demand' },
): PolicyLookup {
  const other = recordingPolicySchema.parse(fallback);
  return (c) => {
    const raw = c.queue === null ? undefined : get(c.queue);
    if (raw === null || raw === undefined) return other;
    const parsed = recordingPolicySchema.safeParse(raw);
    return parsed.success ? parsed.data : other;
  };
}
