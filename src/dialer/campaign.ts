import { z } from 'zod';
import { isTimeZone } from './window.js';

/**
 * A campaign is data: what to call (lead lists), how (mode, caller ID, ring timeout, answering
 * machines), when (calling window in the lead's time), how often (attempts, retry delays per
 * outcome) and under which law (jurisdiction profile + purpose). The API validates it with this
 * schema; the store checks what needs the database (lists exist, brand caller IDs registered).
 */

export const Modes = ['preview', 'progressive', 'predictive', 'agentless'] as const;
export const Purposes = ['advertising', 'customer_care', 'collection', 'research'] as const;
export const Jurisdictions = ['US', 'UK', 'VN', 'none'] as const;
export const RetryOutcomes = ['busy', 'no_answer', 'machine', 'abandoned', 'failed', 'invalid'] as const;
export const CampaignStates = ['draft', 'running', 'paused', 'stopped', 'completed'] as const;

export type Mode = (typeof Modes)[number];
export type Purpose = (typeof Purposes)[number];
export type Jurisdiction = (typeof Jurisdictions)[number];
export type RetryOutcome = (typeof RetryOutcomes)[number];
export type CampaignState = (typeof CampaignStates)[number];

/** Asterisk gives up on a ring after this; below 15 s a person cannot reach the phone (and regulators count it as a nuisance). */
export const MinRingTimeoutSeconds = 15;
export const DefaultRingTimeoutSeconds = 20;
export const DefaultMaxAttempts = 3;

export const e164 = z
  .string()
  .regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 number: + and 7 to 15 digits, e.g. +842838220000');
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, 'must be HH:MM (00:00–24:00)');
const sound = z
  .string()
  .regex(
    /^(sound|recording|digits|number|characters|tone):[^\s,]+$/,
    'must be a media URI such as sound:vi/...',
  )
  .max(300);
const dayList = z.array(z.number().int().min(0).max(6)).min(1).max(7);

export const dailyWindowSchema = z
  .object({ start: hhmm, end: hhmm, days: dayList.optional().describe('0 = Sunday … 6 = Saturday') })
  .refine((w) => w.start < w.end, { message: 'start must be before end', path: ['end'] });

export const windowSchema = z.object({
  default: dailyWindowSchema.default({ start: '08:00', end: '21:00' }),
  regions: z
    .record(
      z.string().refine((k) => /^\+[1-9][0-9]{0,14}$/.test(k) || /^[A-Z]{2}$/.test(k) || isTimeZone(k), {
        message:
          'region keys are IANA time zones (Asia/Tehran), ISO countries (IR) or number prefixes (+9821)',
      }),
      dailyWindowSchema,
    )
    .default({}),
  holidays: z
    .array(
      z.object({
        date: z.iso.date(),
        regions: z.array(z.string().min(1)).optional(),
        name: z.string().max(100).optional(),
      }),
    )
    .max(1000)
    .default([]),
});

const retryRule = z
  .object({
    delay_minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30),
    /** At most this many attempts end with this outcome before the lead is closed. */
    max: z.number().int().min(1).max(50).optional(),
  })
  .nullable();

export const DefaultRetry: Record<RetryOutcome, { delay_minutes: number; max?: number } | null> = {
  busy: { delay_minutes: 10 },
  no_answer: { delay_minutes: 60 },
  machine: { delay_minutes: 120 },
  abandoned: { delay_minutes: 60 },
  failed: { delay_minutes: 30 },
  invalid: null,
};

export const dispositionSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _'),
  label: z.string().min(1).max(100),
  final: z.boolean().default(false),
  retry: z.boolean().default(false),
  callback: z.boolean().default(false),
  do_not_call: z.boolean().default(false),
  sale: z.boolean().default(false),
});
export type Disposition = z.output<typeof dispositionSchema>;

export const DefaultDispositions: Disposition[] = [
  { code: 'sale', label: 'Sale', final: true, retry: false, callback: false, do_not_call: false, sale: true },
  {
    code: 'not_interested',
    label: 'Not interested',
    final: true,
    retry: false,
    callback: false,
    do_not_call: false,
    sale: false,
  },
  {
    code: 'callback',
    label: 'Call back later',
    final: false,
    retry: false,
    callback: true,
    do_not_call: false,
    sale: false,
  },
  {
    code: 'no_decision',
    label: 'Try again',
    final: false,
    retry: true,
    callback: false,
    do_not_call: false,
    sale: false,
  },
  {
    code: 'wrong_number',
    label: 'Wrong number',
    final: true,
    retry: false,
    callback: false,
    do_not_call: false,
    sale: false,
  },
  {
    code: 'do_not_call',
    label: 'Do not call',
    final: true,
    retry: false,
    callback: false,
    do_not_call: true,
    sale: false,
  },
];

export const campaignInputSchema = z
  .object({
    name: z.string().min(1).max(200),
    mode: z.enum(Modes),
    purpose: z.enum(Purposes),
    jurisdiction: z.enum(Jurisdictions).default('none'),
    lead_lists: z.array(z.uuid()).min(1, 'at least one lead list').max(100),
    caller_id: z.object({
      default: e164.describe('Presented when no pool entry matches the lead'),
      pool: z
        .array(
          z.object({ prefix: z.string().regex(/^\+[1-9][0-9]{0,14}$/, 'an E.164 prefix'), number: e164 }),
        )
        .max(1000)
        .default([])
        .describe('Local presence: the longest prefix of the lead number picks the caller ID'),
    }),
    ring_timeout_seconds: z
      .number()
      .int()
      .min(MinRingTimeoutSeconds, `ring timeout below ${MinRingTimeoutSeconds} s is not allowed`)
      .max(120)
      .default(DefaultRingTimeoutSeconds),
    max_attempts: z.number().int().min(1).max(50).default(DefaultMaxAttempts),
    retry: z.partialRecord(z.enum(RetryOutcomes), retryRule).default({}),
    window: windowSchema.default({ default: { start: '08:00', end: '21:00' }, regions: {}, holidays: [] }),
    amd: z
      .object({
        enabled: z.boolean().default(true),
        on_machine: z.enum(['hangup', 'message']).default('hangup'),
        message: sound.optional(),
      })
      .refine((a) => a.on_machine !== 'message' || !!a.message, {
        message: 'a message is required to leave one',
        path: ['message'],
      })
      .default({ enabled: true, on_machine: 'hangup' }),
    abandon_message: sound.describe('Identity + opt-out message played to a live answer no agent took'),
    opt_out_key: z
      .string()
      .regex(/^[0-9*#]$/)
      .default('9'),
    language: z
      .string()
      .regex(/^[a-z]{2}(_[A-Z]{2})?$/)
      .default('en'),
    agentless: z
      .object({
        kind: z.enum(['message', 'press1', 'survey']),
        message: sound,
        press1_key: z
          .string()
          .regex(/^[0-9*#]$/)
          .default('1'),
        survey_flow: z.string().min(1).max(100).optional(),
      })
      .optional(),
    dispositions: z.array(dispositionSchema).min(1).max(100).optional(),
    max_dial_ratio: z.number().min(1).max(5).default(3),
    wrap_up_seconds: z.number().int().min(0).max(3600).default(15),
    /** UK: estimated share of machine-detected calls that were people (they count as abandons). */
    amd_false_positive_rate: z.number().min(0).max(1).default(0),
  })
  .superRefine((c, ctx) => {
    if (c.mode === 'agentless' && !c.agentless)
      ctx.addIssue({
        code: 'custom',
        path: ['agentless'],
        message: 'agentless campaigns need agentless.kind and message',
      });
    if (c.mode !== 'agentless' && c.agentless)
      ctx.addIssue({ code: 'custom', path: ['agentless'], message: 'only for mode agentless' });
    if (c.agentless?.kind === 'survey' && !c.agentless.survey_flow)
      ctx.addIssue({
        code: 'custom',
        path: ['agentless', 'survey_flow'],
        message: 'a survey needs its flow',
      });
    const codes = new Set<string>();
    for (const [i, d] of (c.dispositions ?? []).entries()) {
      if (codes.has(d.code))
        ctx.addIssue({
          code: 'custom',
          path: ['dispositions', i, 'code'],
          message: `duplicate code ${d.code}`,
        });
      codes.add(d.code);
      if (d.final && (d.retry || d.callback))
        ctx.addIssue({
          code: 'custom',
          path: ['dispositions', i],
          message: 'final cannot also retry or call back',
        });
    }
  });

export type CampaignInput = z.input<typeof campaignInputSchema>;
export type CampaignSettings = z.output<typeof campaignInputSchema>;

export type Campaign = CampaignSettings & {
  id: string;
  state: CampaignState;
  version: number;
  created_at: string;
  updated_at: string;
};

export const campaignId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, "_" and "-" (up to 64)');

export function dispositionsOf(c: CampaignSettings): Disposition[] {
  return c.dispositions ?? DefaultDispositions;
}

export function retryRuleFor(c: CampaignSettings, outcome: RetryOutcome) {
  return outcome in c.retry ? (c.retry[outcome] ?? null) : DefaultRetry[outcome];
}

/** Longest matching prefix of the lead's number, else the default. */
export function callerIdFor(c: CampaignSettings, phone: string): string {
  let best: { prefix: string; number: string } | undefined;
  for (const p of c.caller_id.pool)
    if (phone.startsWith(p.prefix) && (!best || p.prefix.length > best.prefix.length)) best = p;
  return best?.number ?? c.caller_id.default;
}

export function usesAgents(c: Pick<CampaignSettings, 'mode'>): boolean {
  return c.mode !== 'agentless';
}
