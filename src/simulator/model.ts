import type { TimerHandle } from './clock.js';
import { astTime } from './clock.js';

export interface CallerId {
  name: string;
  number: string;
}

export interface Dialplan {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

export type ChannelStateName = 'Down' | 'Rsrved' | 'OffHook' | 'Dialing' | 'Ring' | 'Ringing' | 'Up' | 'Busy';

export interface SimChannel {
  id: string;
  name: string;
  state: ChannelStateName;
  protocolId: string;
  caller: CallerId;
  connected: CallerId;
  accountcode: string;
  dialplan: Dialplan;
  created: number;
  language: string;
  vars: Map<string, string>;
  /** Stasis application the channel is in, if any. */
  stasisApp?: string;
  /** Variables set with report_events=true: every snapshot carries them in "channelvars". */
  reportedVars?: Set<string>;
  /** The dialplan application Stasis() replaced, put back when the channel leaves Stasis. */
  savedApp?: { app_name: string; app_data: string };
  bridgeId?: string;
  endpoint?: string;
  timers: Set<TimerHandle>;
  playbackQueue: string[];
  recordings: Set<string>;
  snoops: Set<string>;
  snoopOf?: string;
  /** An ast_dial (originate) still waiting for an answer: a hang-up then publishes its Dial status. */
  dialing?: { dialstring: string };
  hangupRequested: boolean;
  destroyed: boolean;
  held: boolean;
  moh: boolean;
  kind: 'inbound' | 'outbound' | 'snoop' | 'local';
}

export interface SimBridge {
  id: string;
  name: string;
  type: string;
  technology: string;
  creator: string;
  channels: string[];
  created: number;
  videoMode: string;
  moh: boolean;
  playbackQueue: string[];
  recordings: Set<string>;
}

export interface SimPlayback {
  id: string;
  media: string[];
  index: number;
  targetUri: string;
  language: string;
  state: 'queued' | 'playing' | 'paused' | 'continuing' | 'done' | 'failed';
  /** Stopped while queued (STASIS_PLAYBACK_STATE_CANCELED, which reads "done"). */
  canceled?: boolean;
  /** Stopped while playing (STASIS_PLAYBACK_STATE_STOPPED). */
  stopped?: boolean;
  /** sound:, recording: and tone: can be stopped, paused and skipped; digits:/number:/characters: not. */
  controllable: boolean;
  skipMs: number;
  timer?: TimerHandle;
  /** ms already played of the current media. */
  playedMs: number;
  startedAt: number;
  currentDurationMs: number;
}

export interface SimRecording {
  name: string;
  format: string;
  targetUri: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  startedAt: number;
  pausedAt?: number;
  pausedMs: number;
  muted: boolean;
  maxDurationSeconds: number;
  maxSilenceSeconds: number;
  terminateOn: string;
  ifExists: string;
  timers: Set<TimerHandle>;
  /** Ends the recording at maxDurationSeconds of recorded (not paused) time. */
  maxTimer?: TimerHandle;
  cause?: string;
  durationS?: number;
}

export interface StoredRecording {
  name: string;
  format: string;
  durationMs: number;
  file?: string;
}

export function channelJson(c: SimChannel, withVars = false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    name: c.name,
    state: c.state,
    protocol_id: c.protocolId,
    caller: { name: c.caller.name, number: c.caller.number },
    connected: { name: c.connected.name, number: c.connected.number },
    accountcode: c.accountcode,
    dialplan: { ...c.dialplan },
    creationtime: astTime(c.created),
    language: c.language,
  };
  if (withVars) out.channelvars = Object.fromEntries(c.vars);
  else if (c.reportedVars?.size)
    out.channelvars = Object.fromEntries([...c.reportedVars].map((n) => [n, c.vars.get(n) ?? '']));
  return out;
}

export function bridgeJson(b: SimBridge): Record<string, unknown> {
  return {
    id: b.id,
    technology: b.technology,
    bridge_type: b.type,
    bridge_class: 'stasis',
    creator: b.creator,
    name: b.name,
    channels: [...b.channels],
    creationtime: astTime(b.created),
    video_mode: b.videoMode,
  };
}

export function playbackJson(p: SimPlayback): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    media_uri: p.media[p.index],
    target_uri: p.targetUri,
    language: p.language,
    state: p.canceled ? 'done' : p.state,
  };
  const next = p.media[p.index + 1];
  if (next !== undefined) out.next_media_uri = next;
  return out;
}

export function recordingJson(r: SimRecording): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: r.name,
    format: r.format,
    state: r.state,
    target_uri: r.targetUri,
  };
  if (r.durationS !== undefined) out.duration = r.durationS;
  if (r.maxSilenceSeconds > 0 && r.durationS !== undefined) {
    out.talking_duration = 0;
    out.silence_duration = r.durationS;
  }
  if (r.cause) out.cause = r.cause;
  return out;
}

/** The causes table of main/channel.c, as ast_cause2str() returns it ("Unknown" for anything else). */
export const causeText: Record<number, string> = {
  1: 'Unallocated (unassigned) number',
  2: 'No route to specified transmit network',
  3: 'No route to destination',
  5: 'Misdialed trunk prefix',
  6: 'Channel unacceptable',
  7: 'Call awarded and being delivered in an established channel',
  8: 'Pre-empted',
  14: 'Number ported elsewhere',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  22: 'Number changed',
  23: 'Redirected to new destination',
  26: 'Answered elsewhere',
  27: 'Destination out of order',
  28: 'Invalid number format',
  29: 'Facility rejected',
  30: 'Response to STATus ENQuiry',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  41: 'Temporary failure',
  42: 'Switching equipment congestion',
  43: 'Access information discarded',
  44: 'Requested channel not available',
  50: 'Facility not subscribed',
  52: 'Outgoing call barred',
  54: 'Incoming call barred',
  57: 'Bearer capability not authorized',
  58: 'Bearer capability not available',
  65: 'Bearer capability not implemented',
  66: 'Channel not implemented',
  69: 'Facility not implemented',
  81: 'Invalid call reference value',
  88: 'Incompatible destination',
  95: 'Invalid message unspecified',
  96: 'Mandatory information element is missing',
  97: 'Message type nonexist.',
  98: 'Wrong message',
  99: 'Info. element nonexist or not implemented',
  100: 'Invalid information element contents',
  101: 'Message not compatible with call state',
  102: 'Recover on timer expiry',
  103: 'Mandatory IE length error',
  111: 'Protocol error, unspecified',
  127: 'Interworking, unspecified',
};

/** main/dial.c ast_hangup_cause_to_dial_status(): what monitor_dial() reports for a dead callee. */
export function dialStatusForCause(cause: number): string {
  if (cause === 17) return 'BUSY';
  if (cause === 34) return 'CONGESTION';
  if (cause === 3 || cause === 20) return 'CHANUNAVAIL';
  return 'NOANSWER';
}

/** DELETE /channels/{id}?reason= mapping (Asterisk 22 convert_reason_to_hangup_code). */
export const hangupReasons: Record<string, number> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 18,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};
