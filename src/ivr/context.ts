import type { QueueService } from '../acd/port.js';
import type { Call, StoredRecordings, Telephony } from '../ari/index.js';
import type { CallRecord } from '../cdr/record.js';
import type { FactSink } from '../facts/fact.js';
import type { FollowUpOpener } from '../followups/types.js';
import type { SurveyDefinition } from '../surveys/schema.js';
import type { VoicemailStore } from '../voicemail/types.js';
import type { FlowDocument, FlowNode } from './schema.js';

/** One version of one flow, as it serves calls. Immutable once loaded. */
export interface FlowVersion {
  id: string;
  version: number;
  document: FlowDocument;
}

/** The flows a call runs on: the versions active when the call started, whatever is loaded later. */
export interface FlowSnapshot {
  get(flowId: string): FlowVersion | undefined;
  /** Survey definitions loaded with the flows (flows/surveys/), kept for the call like its flows. */
  survey?(surveyId: string): SurveyDefinition | undefined;
}

/** Who we know by phone number (a customers table, a CRM cache...). */
export interface Customer {
  phone: string;
  name: string;
  tags: string[];
  vip: boolean;
  language: string | null;
}
export interface CustomerDirectory {
  findByPhone(phone: string): Promise<Customer | undefined>;
}

export interface CallbackRequest {
  callId: string;
  phone: string;
  did: string | null;
  flowId: string;
  nodeId: string;
  language: string;
  purpose: string | null;
  priority: number | null;
}
export interface CallbackRequests {
  request(r: CallbackRequest): Promise<void>;
}

/** Agent phones a queue rings until the ACD exists; busy = in a call through this engine. */
export interface AgentPool {
  endpointsOf(queue: string): readonly string[] | undefined;
  /** Claims the endpoint if free; false when someone else's call has it. */
  claim(endpoint: string): boolean;
  release(endpoint: string): void;
}

export type Annotations = Partial<
  Pick<CallRecord, 'purpose' | 'priority' | 'queue' | 'agent' | 'disposition'>
>;

/** One node visit, as the call record and the analytics view see it. */
export interface NodeVisit {
  call: Call;
  at: Date;
  flowId: string;
  version: number;
  nodeId: string;
  type: FlowNode['type'];
  /** The branch taken; "hangup" when the caller left during the node, "error" when it failed. */
  branch: string;
  /** Time inside the node (prompts, waits, ringing included). */
  ms: number;
  /** Interpreter time between the previous node's end and this node's start. */
  gapMs: number;
  detail?: Record<string, unknown>;
}

/** Where the interpreter reports; the engine writes visits to the call's timeline (call_events). */
export interface IvrObserver {
  /** A node starts (live views: where each caller is now). */
  nodeEntered?(
    call: Call,
    where: { flowId: string; version: number; nodeId: string; type: FlowNode['type'] },
  ): void;
  nodeVisited(visit: NodeVisit): void;
  annotate(call: Call, fields: Annotations): void;
  /** Keys pressed while on are kept out of the call record (card numbers, PINs). */
  maskDigits?(call: Call, on: boolean): void;
}

export interface IvrServices {
  telephony: Pick<Telephony, 'originate' | 'createBridge'>;
  agents: AgentPool;
  /** The ACD: when present, queue nodes enter its queues instead of ringing the AgentPool. */
  queues?: QueueService;
  customers?: CustomerDirectory;
  callbacks?: CallbackRequests;
  /** Voicemail boxes and messages (voicemail node, ACD overflow to voicemail). */
  voicemail?: VoicemailStore;
  /** Asterisk's stored recordings: a message too short to keep is deleted there. */
  recordings?: Pick<StoredRecordings, 'get' | 'delete'>;
  /** Opens follow-ups: a voicemail left, a callback asked for, a complaint. */
  followUps?: FollowUpOpener;
  /** The records pipeline: survey answers become survey_responses rows. */
  facts?: FactSink;
  fetch: typeof fetch;
  now(): Date;
}

/** What a node sees while it runs. Variables are the call's own (not channel variables). */
export interface IvrContext {
  readonly call: Call;
  readonly services: IvrServices;
  readonly flow: FlowVersion;
  readonly nodeId: string;
  language: string;
  readonly vars: Map<string, string>;
  annotate(fields: Annotations): void;
  maskDigits(on: boolean): void;
  /** Extra fields for this visit's call_events detail. */
  note(detail: Record<string, unknown>): void;
  /** A survey definition of the call's snapshot. */
  survey(surveyId: string): SurveyDefinition | undefined;
  /** Runs another flow of the call's snapshot, returning when it ends. */
  runFlow(flowId: string): Promise<void>;
  /** The flow (and the call) must stop after this node: a hang-up node ran. */
  finish(): void;
}

/**
 * A node at work: exec returns the branch taken; kill stops whatever it waits on (idempotent).
 * Nodes that wait on nothing (language, classify, hours) answer synchronously, so a busy event
 * loop cannot slip other calls' work between two nodes of this one.
 */
export interface NodeTask {
  exec(ctx: IvrContext): string | Promise<string>;
  kill(): void;
}
