import { z } from 'zod';

/**
 * The flow document: what an engineer writes (YAML or JSON, a file in flows/ or a PUT on the API).
 * Every node names its exits ("branches") by node id; an exit left out ends the flow (a sub-flow
 * then returns to its caller, a top-level flow hangs up). Cross-references (missing nodes, sounds,
 * queues) are checked by validate.ts, which needs the catalogs this schema cannot see.
 */

export const nodeId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a node id: a letter, then letters, digits, "_" or "-"');
export const flowId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a flow id: a lower-case letter, then a-z, 0-9, "_" or "-"');
const language = z.string().regex(/^[a-z]{2}(_[A-Z]{2})?$/, 'a language code such as en, vi or fa');
const mediaUri = z
  .string()
  .regex(
    /^(sound|recording|tone|digits|characters|number):[^,]+$/,
    'a media URI (sound:, recording:, tone:, digits:, characters:, number:)',
  );
/** One URI or a list played in sequence; always a list once parsed. */
export const media = z.union([mediaUri, z.array(mediaUri).min(1)]).transform((m) => [m].flat());
const key = z.string().regex(/^[0-9*#]$/, 'one DTMF key: 0-9, * or #');
const ms = (max: number) => z.number().int().min(1).max(max);
const next = nodeId.optional();

const base = { label: z.string().max(200).optional().describe('Shown in reports beside the node id') };

export const playNode = z.object({
  ...base,
  type: z.literal('play'),
  media,
  language: language.optional().describe('Overrides the call language for this prompt'),
  bargeIn: z.boolean().default(false),
  next,
});

export const menuNode = z.object({
  ...base,
  type: z.literal('menu'),
  prompt: media,
  options: z.record(key, nodeId).refine((o) => Object.keys(o).length > 0, 'at least one option'),
  firstDigitTimeoutMs: ms(60_000).default(5000),
  /** Extra tries after the first; a caller gets retries + 1 chances in all. */
  retries: z.number().int().min(0).max(9).default(2),
  invalidPrompt: media.optional(),
  timeoutPrompt: media.optional(),
  repeatKey: key.optional().describe('Plays the prompt again without using up a retry'),
  noInput: next.describe('Retries exhausted by silence'),
  noMatch: next.describe('Retries exhausted by invalid keys'),
});

export const collectNode = z.object({
  ...base,
  type: z.literal('collect'),
  prompt: media.optional(),
  variable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a variable name'),
  minLength: z.number().int().min(1).max(64).default(1),
  maxLength: z.number().int().min(1).max(64),
  terminator: z
    .string()
    .regex(/^[*#]{1,2}$/, '"#", "*" or both')
    .optional(),
  pattern: z
    .string()
    .refine((p) => isRegExp(p), 'a regular expression')
    .optional()
    .describe('Whole input must match, e.g. ^[0-9]{9,10}$'),
  firstDigitTimeoutMs: ms(60_000).default(5000),
  interDigitTimeoutMs: ms(30_000).default(3000),
  retries: z.number().int().min(0).max(9).default(2),
  invalidPrompt: media.optional(),
  /** Card numbers and PINs stay out of the call record's DTMF events. */
  mask: z.boolean().default(false),
  next,
  noInput: next,
  noMatch: next,
});

const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, 'HH:MM');
const span = z.tuple([hhmm, hhmm]).refine(([a, b]) => a < b, 'opening must be before closing');
export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const dayList = z.array(span).default([]);

export const holiday = z.discriminatedUnion('calendar', [
  z.object({
    calendar: z.literal('gregory'),
    date: z.iso.date().optional().describe('One date, YYYY-MM-DD'),
    month: z.number().int().min(1).max(12).optional().describe('Every year: month and day'),
    day: z.number().int().min(1).max(31).optional(),
    days: z.number().int().min(1).max(31).default(1),
    name: z.string().optional(),
  }),
  z.object({
    calendar: z.enum(['chinese', 'persian', 'islamic-umalqura']),
    month: z.number().int().min(1).max(13).describe('Month of that calendar (1 = first month)'),
    day: z.number().int().min(1).max(31),
    days: z.number().int().min(1).max(31).default(1),
    name: z.string().optional(),
  }),
]);

export const hoursNode = z.object({
  ...base,
  type: z.literal('hours'),
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Ho_Chi_Minh'),
  weekly: z.object(
    Object.fromEntries(weekdays.map((d) => [d, dayList])) as Record<
      (typeof weekdays)[number],
      typeof dayList
    >,
  ),
  holidays: z.array(holiday).default([]),
  open: next,
  closed: next,
  holiday: next.describe('Defaults to closed'),
});

export const languageNode = z.object({ ...base, type: z.literal('language'), language, next });

export const classifyNode = z.object({
  ...base,
  type: z.literal('classify'),
  purpose: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, 'a purpose tag such as sales')
    .optional(),
  priority: z.number().int().min(0).max(100).optional(),
  next,
});

export const lookupNode = z.object({
  ...base,
  type: z.literal('lookup'),
  vipPriority: z.number().int().min(0).max(100).default(90),
  found: next,
  vip: next.describe('Defaults to found'),
  notFound: next,
});

export const httpNode = z.object({
  ...base,
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['GET', 'POST']).default('GET'),
  timeoutMs: ms(30_000).default(2000),
  /** Flat JSON fields copied into call variables as <variable>.<field>. */
  variable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/),
  next,
  fallback: next.describe('Timeout, network error, non-2xx or non-JSON answer'),
});

const ring = { ringTimeoutSeconds: z.number().int().min(1).max(300).default(20) };

export const queueNode = z.object({
  ...base,
  type: z.literal('queue'),
  queue: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a queue name'),
  priority: z.number().int().min(0).max(100).optional(),
  /** Skills the caller needs (skill → minimum level), for skills-based ACD queues. */
  skills: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a skill name'), z.number().int().min(1).max(100))
    .optional(),
  holdMedia: media.optional().describe('Played to the caller while agents ring (without the ACD)'),
  ...ring,
  next: next.describe('After the agent conversation ends'),
  noAnswer: next.describe('No agent: timeout, queue full, nobody logged in'),
  overflow: next.describe(
    'After the ACD overflowed the caller to voicemail, a callback or a flow (defaults to ending the call)',
  ),
});

export const endpointNode = z.object({
  ...base,
  type: z.literal('endpoint'),
  endpoint: z.string().regex(/^[A-Za-z]+\/[^\s,]+$/, 'a dial string such as PJSIP/agent1'),
  ...ring,
  next: next.describe('After the conversation ends'),
  noAnswer: next,
});

export const callbackNode = z.object({
  ...base,
  type: z.literal('callback'),
  prompt: media.default(['sound:auth-thankyou', 'sound:goodbye']),
  next,
});

const boxId = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a voicemail box id');

export const voicemailNode = z.object({
  ...base,
  type: z.literal('voicemail'),
  box: boxId,
  greeting: media.optional().describe("Played before the beep instead of the box's greeting"),
  beep: z.boolean().default(true),
  maxSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .optional()
    .describe("Longest message; the box's max_message_seconds when left out"),
  maxSilenceSeconds: z.number().int().min(1).max(60).default(5),
  /** A message shorter than this (or none) takes noMessage. */
  minSeconds: z.number().min(0).max(10).default(1),
  savedPrompt: media.default(['sound:vm-msgsaved']).describe('Played when the caller pressed # to end'),
  next: next.describe('A message was saved'),
  noMessage: next.describe('Nothing (or less than minSeconds) was recorded'),
});

export const surveyNode = z.object({
  ...base,
  type: z.literal('survey'),
  survey: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a survey id (flows/surveys/<id>.yaml)'),
  next: next.describe('Every question answered'),
  incomplete: next.describe('A question went unanswered after its retries (defaults to next)'),
});

export const subflowNode = z.object({ ...base, type: z.literal('subflow'), flow: flowId, next });

export const hangupNode = z.object({
  ...base,
  type: z.literal('hangup'),
  prompt: media.optional(),
});

/** Every node type. */
export const flowNode = z.discriminatedUnion('type', [
  playNode,
  menuNode,
  collectNode,
  hoursNode,
  languageNode,
  classifyNode,
  lookupNode,
  httpNode,
  queueNode,
  endpointNode,
  callbackNode,
  voicemailNode,
  surveyNode,
  subflowNode,
  hangupNode,
]);

export const flowDocument = z.object({
  id: flowId,
  description: z.string().max(2000).optional(),
  language: language.optional().describe('Prompt language until a language node changes it'),
  start: nodeId,
  nodes: z.record(nodeId, flowNode).refine((n) => Object.keys(n).length > 0, 'at least one node'),
});

export type FlowDocument = z.output<typeof flowDocument>;
export type FlowNode = z.output<typeof flowNode>;
export type NodeType = FlowNode['type'];
export type NodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;
export type Holiday = z.output<typeof holiday>;
export type WeeklySchedule = z.output<typeof hoursNode>['weekly'];

function isRegExp(p: string): boolean {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
