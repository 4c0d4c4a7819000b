import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { RouteModule } from '../api/index.js';
import type { AriConnection, Call } from '../ari/index.js';
import type { Principal } from '../auth/roles.js';
import type { CallRecorder } from '../cdr/recorder.js';
import type { Config } from '../config/index.js';
import type { FactSink } from '../facts/fact.js';
import type { Logger } from '../log/index.js';
import { createAcd, type Acd } from '../acd/index.js';
import type { Conversation, ConversationHooks } from '../acd/port.js';
import { createRecordingService, policyByQueue } from '../acd/recording/index.js';
import { createSupervisor } from '../acd/supervisor/index.js';
import { createTransfers } from '../acd/transfer/index.js';
import { registerWfmRoutes } from '../acd/wfm/index.js';

export interface ContactCenter {
  acd: Acd;
  routes: RouteModule[];
  /** Queues/teams an agent (by API key name) belongs to, for voicemail access. */
  memberships(principalName: string): Promise<Array<{ type: 'queue' | 'team'; id: string }>>;
  /** Once Asterisk is connected and the call records run: agents are rung and calls annotated. */
  attach(connection: AriConnection, recorder: CallRecorder): void;
  close(): Promise<void>;
}

/**
 * The ACD and what acts on its conversations (recording, supervision, transfers), wired together:
 * the ACD calls one set of hooks, each feature sees the ACD as its Conversations registry.
 */
export async function createContactCenter(o: {
  config: Config;
  db: Knex;
  redis: Redis;
  facts: FactSink;
  logger: Logger;
}): Promise<ContactCenter> {
  const { config, db, logger } = o;
  let connection: AriConnection | undefined;
  let recorder: CallRecorder | undefined;
  const features: ConversationHooks[] = [];
  const each = async (hook: 'connected' | 'ended', c: Conversation) => {
    for (const f of features) {
      try {
        await f[hook]?.(c);
      } catch (err) {
        logger.error(`conversation ${hook} hook failed`, {
          conversationId: c.conversationId,
          error: (err as Error).message,
        });
      }
    }
  };
  const module = await createAcd({
    redis: o.redis,
    prefix: config.REDIS_PREFIX,
    engine: config.ENGINE_NAME,
    app: config.ARI_APP,
    facts: o.facts,
    logger,
    db,
    ...(config.ACD_CONFIG_FILE ? { configFile: config.ACD_CONFIG_FILE } : {}),
    dispatchIntervalMs: config.ACD_DISPATCH_INTERVAL_MS,
    hooks: { connected: (c) => each('connected', c), ended: (c) => each('ended', c) },
  });
  const { acd } = module;
  const agentOf = (p: Principal) =>
    p.role === 'agent' ? (acd.directory.agentByPrincipal(p.name)?.id ?? p.name) : undefined;

  const recording = createRecordingService({
    db,
    logger,
    conversations: acd,
    policy: policyByQueue((queue) => acd.directory.queues.get(queue)?.recording, {
      mode: config.RECORDING_DEFAULT_MODE,
    }),
    stored: () => connection?.stored,
    agentOf,
    retentionDays: config.RECORDING_RETENTION_DAYS,
    defaultLanguage: config.DEFAULT_LANGUAGE,
  });
  const supervisor = createSupervisor({
    telephony: () => connection,
    conversations: acd,
    facts: o.facts,
    logger,
  });
  // Transfer legs and entries go on the call records (the recorder exists once ARI is up).
  const annotator = {
    annotate: (call: Call, fields: { queue?: string; agent?: string }) =>
      recorder?.timeline(call.channelId)?.annotate(fields),
    addEntry: (call: Call, entry: { at: string; type: 'transfer'; detail?: Record<string, unknown> }) =>
      recorder?.timeline(call.channelId)?.addEntry({ ...entry, detail: entry.detail ?? {} }),
  };
  const transfers = createTransfers({
    telephony: () => connection,
    conversations: acd,
    queues: acd,
    host: acd,
    resolveAgent: (agent) => acd.resolveAgent(agent),
    annotator,
    agentOf,
    logger,
  });
  features.push(recording.hooks, supervisor.hooks, transfers.hooks);

  return {
    acd,
    routes: [module.routes, recording.routes, supervisor.routes, transfers.routes, registerWfmRoutes()],
    async memberships(name) {
      const agent = acd.directory.agentByPrincipal(name);
      if (!agent) return [];
      const live = await acd.live.agent(agent.id);
      return (live?.queues ?? []).map((id) => ({ type: 'queue' as const, id }));
    },
    attach(c, r) {
      connection = c;
      recorder = r;
      module.attach(c, r);
    },
    async close() {
      recording.close();
      await module.close();
    },
  };
}
