/**
 * The ARI objects and events the engine reads, typed from Asterisk 22's api-docs. Timestamps are
 * strings as Asterisk sends them ("2026-11-23T12:00:00.000+0000"); @types/ari-client lacks the newer
 * events (ChannelToneDetected, ChannelTransfer, CallBroadcast, CallClaimed), which are here.
 */
export type ChannelState =
  | 'Down'
  | 'Rsrved'
  | 'OffHook'
  | 'Dialing'
  | 'Ring'
  | 'Ringing'
  | 'Up'
  | 'Busy'
  | 'Dialing Offhook'
  | 'Pre-ring'
  | 'Unknown';

export interface CallerId {
  name: string;
  number: string;
}

export interface DialplanCep {
  context: string;
  exten: string;
  priority: number;
  app_name?: string;
  app_data?: string;
}

export interface AriChannel {
  id: string;
  name: string;
  state: ChannelState;
  protocol_id?: string;
  caller: CallerId;
  connected: CallerId;
  accountcode: string;
  dialplan: DialplanCep;
  creationtime: string;
  language: string;
  channelvars?: Record<string, string>;
  caller_rdnis?: string;
  tenantid?: string;
}

export interface AriBridge {
  id: string;
  technology: string;
  bridge_type: 'mixing' | 'holding';
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
  video_mode?: string;
  video_source_id?: string;
  creationtime: string;
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  next_media_uri?: string;
  target_uri: string;
  language?: string;
  state: 'queued' | 'playing' | 'paused' | 'continuing' | 'done' | 'failed';
}

export interface AriLiveRecording {
  name: string;
  format: string;
  target_uri: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  duration?: number;
  talking_duration?: number;
  silence_duration?: number;
  cause?: string;
}

export interface AriEndpoint {
  technology: string;
  resource: string;
  state?: string;
  channel_ids: string[];
}

interface EventBase {
  application: string;
  timestamp: string;
  asterisk_id?: string;
}

interface ChannelEventBase extends EventBase {
  channel: AriChannel;
}

export interface StasisStart extends ChannelEventBase {
  type: 'StasisStart';
  args: string[];
  replace_channel?: AriChannel;
}
export interface StasisEnd extends ChannelEventBase {
  type: 'StasisEnd';
}
export interface ChannelCreated extends ChannelEventBase {
  type: 'ChannelCreated';
}
export interface ChannelDestroyed extends ChannelEventBase {
  type: 'ChannelDestroyed';
  cause: number;
  cause_txt: string;
}
export interface ChannelStateChange extends ChannelEventBase {
  type: 'ChannelStateChange';
}
export interface ChannelHangupRequest extends EventBase {
  type: 'ChannelHangupRequest';
  channel: AriChannel;
  cause?: number;
  soft?: boolean;
}
export interface ChannelDtmfReceived extends ChannelEventBase {
  type: 'ChannelDtmfReceived';
  digit: string;
  duration_ms: number;
}
export interface ChannelVarset extends EventBase {
  type: 'ChannelVarset';
  variable: string;
  value: string;
  channel?: AriChannel;
}
export interface ChannelEnteredBridge extends EventBase {
  type: 'ChannelEnteredBridge';
  bridge: AriBridge;
  channel?: AriChannel;
}
export interface ChannelLeftBridge extends EventBase {
  type: 'ChannelLeftBridge';
  bridge: AriBridge;
  channel: AriChannel;
}
export interface Dial extends EventBase {
  type: 'Dial';
  peer: AriChannel;
  caller?: AriChannel;
  forwarded?: AriChannel;
  dialstatus: string;
  dialstring?: string;
  forward?: string;
}
export interface PlaybackEvent extends EventBase {
  type: 'PlaybackStarted' | 'PlaybackContinuing' | 'PlaybackFinished';
  playback: AriPlayback;
}
export interface RecordingEvent extends EventBase {
  type: 'RecordingStarted' | 'RecordingFinished' | 'RecordingFailed';
  recording: AriLiveRecording;
}
export interface BridgeEvent extends EventBase {
  type: 'BridgeCreated' | 'BridgeDestroyed';
  bridge: AriBridge;
}
export interface ChannelToneDetected extends ChannelEventBase {
  type: 'ChannelToneDetected';
}
export interface ChannelTransfer extends EventBase {
  type: 'ChannelTransfer';
  state?: string;
  refer_to: unknown;
  referred_by: unknown;
}
export interface CallBroadcast extends EventBase {
  type: 'CallBroadcast';
  channel: AriChannel;
  caller?: string;
  called?: string;
  variables?: Record<string, string>;
}
export interface CallClaimed extends EventBase {
  type: 'CallClaimed';
  channel: AriChannel;
  winner_app: string;
}
/** Any other documented event: carried through with its fields, typed loosely. */
export interface OtherEvent extends EventBase {
  type: OtherEventType;
  channel?: AriChannel;
  bridge?: AriBridge;
  [field: string]: unknown;
}

type OtherEventType =
  | 'ApplicationMoveFailed'
  | 'ApplicationRegistered'
  | 'ApplicationReplaced'
  | 'ApplicationUnregistered'
  | 'BridgeAttendedTransfer'
  | 'BridgeBlindTransfer'
  | 'BridgeMerged'
  | 'BridgeVideoSourceChanged'
  | 'ChannelCallerId'
  | 'ChannelConnectedLine'
  | 'ChannelDialplan'
  | 'ChannelHold'
  | 'ChannelUnhold'
  | 'ChannelTalkingStarted'
  | 'ChannelTalkingFinished'
  | 'ChannelUserevent'
  | 'ContactStatusChange'
  | 'DeviceStateChanged'
  | 'EndpointStateChange'
  | 'PeerStatusChange'
  | 'TextMessageReceived'
  | 'RESTResponse';

export type AriEvent =
  | StasisStart
  | StasisEnd
  | ChannelCreated
  | ChannelDestroyed
  | ChannelStateChange
  | ChannelHangupRequest
  | ChannelDtmfReceived
  | ChannelVarset
  | ChannelEnteredBridge
  | ChannelLeftBridge
  | Dial
  | PlaybackEvent
  | RecordingEvent
  | BridgeEvent
  | ChannelToneDetected
  | ChannelTransfer
  | CallBroadcast
  | CallClaimed
  | OtherEvent;

export type AriEventType = AriEvent['type'];

/** Q.850 causes the engine names (Asterisk's ARI hang-up reasons map onto these). */
export const HangupCause = {
  Normal: 16,
  Busy: 17,
  NoAnswer: 19,
  Rejected: 21,
  Congestion: 34,
  Unallocated: 1,
} as const;

/** The `reason` values DELETE /channels/{id} accepts. */
export type HangupReason =
  | 'normal'
  | 'busy'
  | 'congestion'
  | 'no_answer'
  | 'timeout'
  | 'rejected'
  | 'unallocated'
  | 'normal_unspecified'
  | 'number_incomplete'
  | 'codec_mismatch'
  | 'interworking'
  | 'failure'
  | 'answered_elsewhere';
