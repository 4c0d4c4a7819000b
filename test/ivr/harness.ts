import { expect } from 'chai';
import type { Call } from '../../src/ari/index.js';
import { LocalAgentPool } from '../../src/ivr/agents.js';
import type {
  Annotations,
  FlowSnapshot,
  FlowVersion,
  IvrServices,
  NodeVisit,
} from '../../src/ivr/context.js';
import { IvrInterpreter, type CallOutcome } from '../../src/ivr/interpreter.js';
import { soundCatalogFrom, type AriSoundEntry } from '../../src/ivr/sounds.js';
import { validateFlow, type FlowReferences } from '../../src/ivr/validate.js';
import { FlowRegistry, type FlowRegistryOptions } from '../../src/ivr/registry.js';
import type { SurveyDefinition } from '../../src/surveys/schema.js';
import { MemoryFlowVersionStore } from '../../src/ivr/store.js';
import { type AriHarness, eventually, startAriHarness } from '../helpers/ari.js';

export interface IvrHarness {
  h: AriHarness;
  visits: Array<Omit<NodeVisit, 'call'> & { channelId: string }>;
  annotations: Map<string, Annotations>;
  outcomes: Map<string, CallOutcome>;
  agents: LocalAgentPool;
  refs: FlowReferences;
  services: IvrServices;
  /** Validates the documents (throws on errors) and serves calls with them, from `flowId`. */
  serve(docs: unknown[], flowId: string, surveys?: SurveyDefinition[]): void;
  /** Serves a flows folder through a FlowRegistry, each call on the flow its DID maps to. */
  serveFolder(dir: string, options?: Partial<FlowRegistryOptions>): Promise<FlowRegistry>;
  /** Runs `action` once a call enters a node (hang up there, change an endpoint...). */
  onEnter(nodeId: string, action: (channelId: string) => void | Promise<void>): void;
  /** Places a call and resolves with its outcome once the flow has returned. */
  call(options: Parameters<AriHarness['sim']['control']['placeCall']>[0]): Promise<{
    channelId: string;
    outcome: CallOutcome;
    path: string[];
  }>;
  expectNoLeaks(): Promise<void>;
  close(): Promise<void>;
}

export const Queues = {
  sales: ['PJSIP/agent1', 'PJSIP/agent2'],
  support: ['PJSIP/agent3'],
  billing: ['PJSIP/agent4'],
  complaints: ['PJSIP/agent5'],
};

export async function startIvrHarness(extra: Partial<IvrServices> = {}): Promise<IvrHarness> {
  const h = await startAriHarness();
  const sounds = await h.ari.rest.call<AriSoundEntry[]>('sounds', 'list');
  const agents = new LocalAgentPool(Queues);
  const visits: IvrHarness['visits'] = [];
  const annotations = new Map<string, Annotations>();
  const outcomes = new Map<string, CallOutcome>();
  const refs: FlowReferences = {
    sounds: soundCatalogFrom(sounds),
    queues: agents.queueNames,
    flows: new Set(),
  };
  const services: IvrServices = {
    telephony: h.ari,
    agents,
    fetch: globalThis.fetch,
    now: () => new Date(),
    ...extra,
  };
  const enterHooks = new Map<string, (channelId: string) => void | Promise<void>>();
  const interpreter = new IvrInterpreter({
    services,
    defaultLanguage: 'en',
    observer: {
      nodeEntered: (call, where) => {
        const hook = enterHooks.get(where.nodeId);
        if (hook) void Promise.resolve(hook(call.channelId)).catch(() => undefined);
      },
      nodeVisited: ({ call, ...v }) => visits.push({ ...v, channelId: call.channelId }),
      annotate: (call, fields) =>
        annotations.set(call.channelId, { ...annotations.get(call.channelId), ...fields }),
    },
  });
  return {
    h,
    visits,
    annotations,
    outcomes,
    agents,
    refs,
    services,
    serve(docs, flowId, surveys = []) {
      const flows = new Map<string, FlowVersion>();
      const ids = new Set(docs.map((d) => (d as { id: string }).id));
      for (const doc of docs) {
        const r = validateFlow(doc, { ...refs, flows: ids });
        if (!r.ok) throw new Error(`flow refused: ${JSON.stringify(r.errors)}`);
        flows.set(r.flow.id, { id: r.flow.id, version: 1, document: r.flow });
      }
      const snapshot: FlowSnapshot = {
        get: (id) => flows.get(id),
        survey: (id) => surveys.find((s) => s.id === id),
      };
      h.ari.onCall(async (call: Call) => {
        outcomes.set(call.channelId, await interpreter.run(call, snapshot, flowId));
      });
    },
    async serveFolder(dir, options = {}) {
      const registry = new FlowRegistry({
        store: new MemoryFlowVersionStore(),
        dir,
        logger: h.ari.logger,
        sounds: async () => refs.sounds,
        onRouting: (r) => agents.setQueues(r.queues),
        ...options,
      });
      const report = await registry.load();
      if (report.refused.length) throw new Error(`flows refused: ${JSON.stringify(report.refused)}`);
      h.ari.onCall(async (call: Call) => {
        const flowId = registry.flowForDid(call.args[1])!;
        outcomes.set(call.channelId, await interpreter.run(call, registry.snapshot(), flowId));
      });
      return registry;
    },
    onEnter(nodeId, action) {
      enterHooks.set(nodeId, action);
    },
    async call(options) {
      const { channelId } = await h.sim.control.placeCall(options);
      const outcome = (await eventually(() => outcomes.get(channelId), `outcome of ${channelId}`, 30_000))!;
      return {
        channelId,
        outcome,
        path: visits.filter((v) => v.channelId === channelId).map((v) => `${v.nodeId}:${v.branch}`),
      };
    },
    async expectNoLeaks() {
      await eventually(() => h.ari.stats().calls === 0, 'calls released');
      await eventually(async () => (await h.sim.control.state()).channels.count === 0, 'no channels');
      const state = await h.sim.control.state();
      expect(state.bridges.count, 'bridges').to.equal(0);
      expect(state.playbacks.count, 'playbacks').to.equal(0);
      expect(h.ari.stats()).to.deep.equal({
        calls: 0,
        expected: 0,
        bridges: 0,
        playbacks: 0,
        recordings: 0,
        pendingWaits: 0,
      });
      expect(agents.inUse, 'agents claimed').to.equal(0);
    },
    close: () => h.close(),
  };
}
