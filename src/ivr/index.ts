import type { Knex } from 'knex';
import type { QueueService } from '../acd/port.js';
import { ApiError } from '../api/errors.js';
import type { RouteModule } from '../api/index.js';
import type { Call, StoredRecordings, Telephony } from '../ari/index.js';
import type { CallRecorder } from '../cdr/recorder.js';
import type { FactSink } from '../facts/fact.js';
import { registerFollowUpRoutes } from '../followups/routes.js';
import { PgFollowUps } from '../followups/store.js';
import type { Logger } from '../log/index.js';
import { registerSurveyRoutes } from '../surveys/routes.js';
import { registerVoicemailRoutes, type VoicemailRouteDeps } from '../voicemail/routes.js';
import { PgVoicemailStore } from '../voicemail/store.js';
import { LocalAgentPool } from './agents.js';
import type { IvrObserver } from './context.js';
import { PgCallbackRequests, PgCustomerDirectory } from './customers.js';
import { IvrInterpreter } from './interpreter.js';
import { FlowRegistry, type LoadReport } from './registry.js';
import { registerIvrRoutes } from './routes.js';
import { soundCatalogFrom, type AriSoundEntry, type SoundCatalog } from './sounds.js';
import { PgFlowVersionStore } from './store.js';

export { FlowRegistry } from './registry.js';
export { IvrInterpreter } from './interpreter.js';
export type * from './context.js';

export interface IvrOptions {
  db: Knex;
  logger: Logger;
  /** The flows folder (flow files and routing.yaml). */
  dir: string;
  defaultLanguage: string;
  /** The records pipeline's sink: survey answers become survey_responses rows. */
  facts?: FactSink;
  /** The ACD: queue nodes enter its queues, and flows must name queues it has. */
  queues?: QueueService;
  /** Queues/teams an agent belongs to, so agents read those voicemail boxes too. */
  memberships?: VoicemailRouteDeps['memberships'];
}

export interface IvrStart {
  telephony: Telephony;
  /** Asterisk's sound list (GET /ari/sounds): flows naming a prompt not in it are refused. */
  listSounds(): Promise<AriSoundEntry[]>;
  /** The call records' timelines, where node visits become call_events rows. */
  recorder: CallRecorder;
  /** For a call whose DID maps to no flow (no routing file yet): the engine's minimal flow. */
  fallback(call: Call): Promise<void>;
  /** Asterisk's stored recordings (AriConnection.stored): voicemail audio for the API. */
  stored?: StoredRecordings;
  /** The ACD, when it is built after createIvr (it needs ARI); its queues must be loaded by now. */
  queues?: QueueService;
}

export interface Ivr {
  registry: FlowRegistry;
  agents: LocalAgentPool;
  voicemail: PgVoicemailStore;
  followUps: PgFollowUps;
  /** IVR flows, voicemail, follow-ups and surveys under /api/v1. */
  routes: RouteModule;
  /** Once Asterisk answers: learn its sounds, load the flows, take inbound calls. */
  start(deps: IvrStart): Promise<LoadReport>;
}

/** Call records see each node visit as an 'ivr_node' event, and the annotations as call fields. */
export function timelineObserver(recorder: CallRecorder): IvrObserver {
  return {
    nodeVisited(v) {
      recorder.timeline(v.call.channelId)?.addEntry({
        at: v.at.toISOString(),
        type: 'ivr_node',
        detail: {
          flow: v.flowId,
          version: v.version,
          node: v.nodeId,
          nodeType: v.type,
          branch: v.branch,
          ms: Math.round(v.ms * 10) / 10,
          ...v.detail,
        },
      });
    },
    annotate: (call, fields) => recorder.timeline(call.channelId)?.annotate(fields),
    maskDigits: (call, on) => recorder.timeline(call.channelId)?.maskDigits(on),
  };
}

/** The IVR feature, wired from its parts; the engine calls start() once ARI is up. */
export function createIvr(options: IvrOptions): Ivr {
  let sounds: SoundCatalog | undefined;
  let stored: StoredRecordings | undefined;
  let queues = options.queues;
  const agents = new LocalAgentPool();
  const voicemail = new PgVoicemailStore(options.db);
  const followUps = new PgFollowUps(options.db);
  const registry = new FlowRegistry({
    store: new PgFlowVersionStore(options.db),
    dir: options.dir,
    logger: options.logger,
    sounds: async () => {
      if (!sounds) throw new ApiError('UNAVAILABLE', 'flows can be changed once Asterisk has answered');
      return sounds;
    },
    onRouting: (r) => agents.setQueues(r.queues),
    acd: () => queues,
    boxes: async () => new Set(await voicemail.boxIds()),
    syncBoxes: async (boxes) => {
      for (const [boxId, b] of Object.entries(boxes))
        await voicemail.putBox({
          boxId,
          name: b.name,
          language: b.language,
          greeting: b.greeting ?? null,
          ownerType: b.owner.type,
          ownerId: b.owner.id,
          maxMessageSeconds: b.maxMessageSeconds,
        });
    },
  });
  const routeModules: RouteModule[] = [
    registerIvrRoutes(registry),
    registerVoicemailRoutes({
      store: voicemail,
      recordings: () => stored,
      ...(options.memberships ? { memberships: options.memberships } : {}),
    }),
    registerFollowUpRoutes(followUps),
    registerSurveyRoutes(() => registry.surveys()),
  ];
  return {
    registry,
    agents,
    voicemail,
    followUps,
    routes: (r) => routeModules.forEach((m) => m(r)),
    async start(deps) {
      sounds = soundCatalogFrom(await deps.listSounds());
      stored = deps.stored;
      queues = deps.queues ?? queues;
      const interpreter = new IvrInterpreter({
        services: {
          telephony: deps.telephony,
          agents,
          customers: new PgCustomerDirectory(options.db),
          callbacks: new PgCallbackRequests(options.db),
          voicemail,
          followUps,
          ...(deps.stored ? { recordings: deps.stored } : {}),
          ...(options.facts ? { facts: options.facts } : {}),
          ...(queues ? { queues } : {}),
          fetch: globalThis.fetch,
          now: () => new Date(),
        },
        observer: timelineObserver(deps.recorder),
        defaultLanguage: options.defaultLanguage,
      });
      // Calls that arrive while the flows load wait for them (a few hundred ms at start-up) rather
      // than getting the minimal flow.
      const loading = (async (): Promise<LoadReport> => {
        try {
          return await registry.load();
        } catch (err) {
          // A missing or unreadable folder must not stop the engine: calls get the minimal flow.
          options.logger.error('IVR flows not loaded', { dir: options.dir, error: (err as Error).message });
          return {
            accepted: [],
            unchanged: [],
            refused: [{ source: options.dir, issues: [{ path: '', message: (err as Error).message }] }],
            warnings: [],
          };
        }
      })();
      deps.telephony.onCall(async (call) => {
        await loading;
        // The snapshot taken now is the one this call keeps, sub-flows included, whatever reloads.
        const snapshot = registry.snapshot();
        const flowId = registry.flowForDid(call.args[0] === 'inbound' ? call.args[1] : undefined);
        if (!flowId || !snapshot.get(flowId)) {
          call.log.error('no IVR flow for this call; playing the minimal flow', { did: call.args[1] });
          return deps.fallback(call);
        }
        await interpreter.run(call, snapshot, flowId);
      });
      const report = await loading;
      options.logger.info('IVR serving', {
        flows: registry.flows().map((f) => `${f.id}@${f.version}`),
        refused: report.refused.map((r) => r.source),
      });
      return report;
    },
  };
}
