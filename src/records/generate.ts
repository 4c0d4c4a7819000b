import type { CallEventRecord, CallRecordInput } from '../cdr/record.js';
import { seededRandom } from '../shared/seeded-random.js';

/**
 * Synthetic call records for benchmarks, tests and demos: realistic mixes of direction,
 * disposition, queues and timelines from a seeded generator, so two runs produce the same calls.
 */
export interface GenerateOptions {
  /** Calls start evenly spread in [from, to). */
  from: Date;
  to: Date;
  seed?: number;
  /** Timeline entries per call (default 8). */
  eventsPerCall?: number;
  queues?: number;
  campaigns?: number;
  dids?: number;
}

function uuidFrom(random: () => number): string {
  const word = () =>
    Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  const a = word();
  const b = word();
  const c = word();
  const d = word();
  const variant = '89ab'[Math.floor(random() * 4)];
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(0, 3)}-${c.slice(3, 7)}${d}`;
}

const EventCycle: CallEventRecord['type'][] = [
  'created',
  'stasis_start',
  'ringing',
  'answered',
  'queue_join',
  'playback_started',
  'playback_finished',
  'dtmf',
  'queue_leave',
  'agent_connect',
  'bridge_enter',
  'bridge_leave',
  'hangup_request',
  'stasis_end',
];

/** `count` records starting at index `start` of the sequence the seed defines. */
export function generateRecords(count: number, options: GenerateOptions, start = 0): CallRecordInput[] {
  const random = seededRandom((options.seed ?? 1) * 1_000_003 + start);
  const span = options.to.getTime() - options.from.getTime();
  const total = Math.max(count, 1);
  const eventsPerCall = options.eventsPerCall ?? 8;
  const queues = options.queues ?? 10;
  const campaigns = options.campaigns ?? 5;
  const dids = options.dids ?? 20;
  const out: CallRecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const startMs = options.from.getTime() + Math.floor(((i + random()) / total) * span);
    const direction = random() < 0.6 ? 'inbound' : random() < 0.85 ? 'outbound' : 'internal';
    const roll = random();
    const disposition =
      roll < 0.7
        ? 'answered'
        : roll < 0.8
          ? 'abandoned'
          : roll < 0.88
            ? 'no_answer'
            : roll < 0.94
              ? 'busy'
              : 'voicemail';
    const answered = disposition === 'answered';
    const ring = Math.round(random() * 20_000) / 1000;
    const wait = direction === 'inbound' ? Math.round(random() * random() * 400_000) / 1000 : 0;
    const talk = answered ? Math.round(random() * 600_000) / 1000 : 0;
    const queueNo = Math.floor(random() * queues);
    const callId = uuidFrom(random);
    const answeredAt = answered ? new Date(startMs + (ring + wait) * 1000) : null;
    const endMs = startMs + Math.ceil((ring + wait + talk) * 1000);
    const events: CallEventRecord[] = [];
    for (let s = 0; s < eventsPerCall; s++) {
      const type = s === eventsPerCall - 1 ? 'stasis_end' : EventCycle[s % EventCycle.length]!;
      events.push({
        seq: s,
        at: new Date(startMs + Math.floor(((endMs - startMs) * s) / eventsPerCall)).toISOString(),
        type,
        channelId: `1700000000.${i}`,
        digit: type === 'dtmf' ? String(Math.floor(random() * 10)) : null,
        media: type === 'playback_started' ? 'sound:queue-thankyou' : null,
        bridgeId: type.startsWith('bridge') ? `bridge-${i}` : null,
        cause: type === 'hangup_request' ? 16 : null,
        detail: type === 'queue_join' ? { queue: `q${queueNo}`, position: 1 } : {},
      });
    }
    out.push({
      callId,
      conversationId: callId,
      parentCallId: null,
      direction,
      channelId: `1700000000.${start + i}`,
      fromNumber: `+8490${String(Math.floor(random() * 1e7)).padStart(7, '0')}`,
      toNumber: `+8428${String(Math.floor(random() * 1e7)).padStart(7, '0')}`,
      did: direction === 'inbound' ? `+842838${String(Math.floor(random() * dids)).padStart(5, '0')}` : null,
      language: 'vi',
      startedAt: new Date(startMs).toISOString(),
      answeredAt: answeredAt ? answeredAt.toISOString() : null,
      endedAt: new Date(endMs).toISOString(),
      ringSeconds: ring,
      waitSeconds: wait,
      talkSeconds: talk,
      holdSeconds: answered ? Math.round(random() * 30_000) / 1000 : 0,
      wrapupSeconds: answered ? Math.round(random() * 60_000) / 1000 : 0,
      disposition,
      hangupCause: answered ? 16 : disposition === 'busy' ? 17 : 19,
      hangupCauseText: answered ? 'Normal Clearing' : disposition === 'busy' ? 'User busy' : 'No answer',
      hangupBy: random() < 0.5 ? 'caller' : 'agent',
      purpose: direction === 'outbound' ? 'sales' : 'support',
      priority: Math.floor(random() * 10),
      queue: direction === 'internal' ? null : `q${queueNo}`,
      agent: answered ? `agent${Math.floor(random() * 50)}` : null,
      campaign: direction === 'outbound' ? `c${Math.floor(random() * campaigns)}` : null,
      leadId: direction === 'outbound' ? `lead-${start + i}` : null,
      recordingIds: answered ? [`rec-${callId}`] : [],
      events,
    });
  }
  return out;
}
