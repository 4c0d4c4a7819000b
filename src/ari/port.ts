import type { Logger } from '../log/index.js';
import type { AriBridge, AriChannel, AriLiveRecording, HangupReason } from './model.js';

/**
 * The narrow interface features use to drive calls. Only src/ari implements it (over ari-client);
 * features and tests depend on these types, never on ari-client's Client.
 */
export type WaitStatus = 'finished' | 'cancelled' | 'timeout' | 'failed';

export interface PlayOptions {
  /** Sound language (vi, fa, en...); defaults to the channel's language. */
  lang?: string;
  /** Stop the prompt when the caller presses a key; the key stays buffered for collectDigits. */
  bargeIn?: boolean;
  signal?: AbortSignal;
}

export interface PlayResult {
  /** finished: played to the end; failed: Asterisk could not play it (missing sound); cancelled: stopped by us or by barge-in. */
  status: 'finished' | 'failed' | 'cancelled';
  playbackId: string;
  /** The key that interrupted a barge-in prompt. */
  digit?: string;
}

export interface CollectOptions {
  maxDigits: number;
  /** Time allowed for the first key. */
  firstDigitTimeoutMs: number;
  /** Time allowed between keys once the caller started. */
  interDigitTimeoutMs: number;
  /** Keys that end input early (not included in `digits`), e.g. "#". */
  terminators?: string;
  signal?: AbortSignal;
}

export interface CollectResult {
  digits: string;
  /** finished: maxDigits reached or a terminator pressed; timeout: time ran out (digits may be partial). */
  status: 'finished' | 'timeout' | 'cancelled';
  terminator?: string;
}

export interface RecordOptions {
  name: string;
  format?: string;
  maxDurationSeconds?: number;
  maxSilenceSeconds?: number;
  beep?: boolean;
  terminateOn?: 'none' | 'any' | '*' | '#';
  ifExists?: 'fail' | 'overwrite' | 'append';
}

export interface Recording {
  readonly name: string;
  pause(): Promise<void>;
  resume(): Promise<void>;
  mute(): Promise<void>;
  unmute(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves with the final state when Asterisk reports RecordingFinished/Failed. */
  done(): Promise<{ status: WaitStatus; recording: AriLiveRecording }>;
}

export interface SnoopOptions {
  spy?: 'none' | 'both' | 'out' | 'in';
  whisper?: 'none' | 'both' | 'out' | 'in';
}

export interface Call {
  /** Our id for the call (uuid), carried in logs and records. */
  readonly callId: string;
  readonly channelId: string;
  readonly channel: AriChannel;
  readonly args: readonly string[];
  /** Aborted when the channel leaves Stasis. */
  readonly signal: AbortSignal;
  readonly ended: boolean;
  readonly log: Logger;
  answer(): Promise<void>;
  ring(): Promise<void>;
  play(media: string | string[], options?: PlayOptions): Promise<PlayResult>;
  collectDigits(options: CollectOptions): Promise<CollectResult>;
  startRecording(options: RecordOptions): Promise<Recording>;
  setVariable(name: string, value: string): Promise<void>;
  getVariable(name: string): Promise<string | undefined>;
  startMoh(mohClass?: string): Promise<void>;
  stopMoh(): Promise<void>;
  hold(): Promise<void>;
  unhold(): Promise<void>;
  /** A snoop channel on this call (supervisor listen/whisper), itself a Call in our app. */
  snoop(options: SnoopOptions): Promise<Call>;
  /** Hangs up; idempotent, and a channel already gone is not an error. */
  hangup(reason?: HangupReason): Promise<void>;
  /** Resolves when the channel has left Stasis. */
  whenEnded(): Promise<{ cause?: number }>;
}

export interface Bridge {
  readonly id: string;
  readonly bridge: AriBridge;
  readonly destroyed: boolean;
  addChannel(
    call: Call | string,
    options?: { role?: string; mute?: boolean; absorbDTMF?: boolean },
  ): Promise<void>;
  removeChannel(call: Call | string): Promise<void>;
  startMoh(mohClass?: string): Promise<void>;
  stopMoh(): Promise<void>;
  /** Destroys the bridge; idempotent. */
  destroy(): Promise<void>;
}

export interface OriginateOptions {
  /** Dial string, e.g. PJSIP/agent1 or PJSIP/+842838220000@trunk. */
  endpoint: string;
  /** Client-chosen channel id (uuid by default), so events can be matched before the REST answer. */
  channelId?: string;
  callerId?: string;
  /** Seconds to ring before giving up (Asterisk default 30). */
  timeoutSeconds?: number;
  variables?: Record<string, string>;
  args?: string[];
  originator?: string;
  /** The call this leg serves (agent leg of an inbound call): links the legs in the records. */
  parentCallId?: string;
  signal?: AbortSignal;
}

/** Recordings Asterisk has stored (GET/DELETE /recordings/stored/...): where recorded files live. */
export interface StoredRecordings {
  /** Name and format, or undefined when Asterisk has no such recording. */
  get(name: string): Promise<{ name: string; format: string } | undefined>;
  /** The file's bytes and content type (audio/wav...); rejects AriNotFoundError when missing. */
  file(name: string): Promise<{ data: Buffer; contentType: string }>;
  /** Copies to a new name (e.g. into an archive folder); rejects AriConflictError when it exists. */
  copy(name: string, destination: string): Promise<void>;
  /** Deletes; a recording already gone is not an error. */
  delete(name: string): Promise<void>;
}

export interface Telephony {
  /** Called for every channel that enters our Stasis app on its own (inbound calls). */
  onCall(handler: (call: Call) => void | Promise<void>): void;
  originate(options: OriginateOptions): Promise<Call>;
  createBridge(options?: { type?: 'mixing' | 'holding'; name?: string; bridgeId?: string }): Promise<Bridge>;
}
