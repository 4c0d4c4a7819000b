import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RouteModule } from '../api/index.js';
import type { Call, Telephony } from '../ari/index.js';
import type { CallEventRecord } from '../cdr/record.js';
import type { FactSink } from '../facts/fact.js';
import type { Logger } from '../log/index.js';
import { Acd, type CallAnnotator } from './acd.js';
import type { AcdClock } from './clock.js';
import type { AcdSounds } from './hold.js';
import { agentSchema, membershipSchema, pauseReasonSchema, queueSchema } from './model.js';
import type { ConversationHooks } from './port.js';
import { registerAcdRoutes } from './routes.js';
import { AcdStore } from './store.js';

export { Acd, type CallAnnotator } from './acd.js';
export type { AcdClock } from './clock.js';
export { AcdError } from './errors.js';
export { agentEventKind, queueEventKind } from './facts.js';
export * from './model.js';
export type * from './port.js';
export { AcdStore } from './store.js';

/** ACD_CONFIG_FILE: queues, agents, pause reasons (and who is logged in where at start) as YAML/JSON. */
export const acdConfigFileSchema = z.object({
  queues: z.array(queueSchema).default([]),
  agents: z
    .array(agentSchema.extend({ login: z.array(membershipSchema).optional().describe('Logged in at start') }))
    .default([]),
  pauseReasons: z.array(pauseReasonSchema).default([]),
});
export type AcdConfigFile = z.output<typeof acdConfigFileSchema>;

export async function readAcdConfigFile(path: string): Promise<AcdConfigFile> {
  const text = await readFile(path, 'utf8');
  const raw: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  const parsed = acdConfigFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${path}: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

/** The call recorder, structurally: the ACD writes queue/agent/wait on the legs' records. */
export interface TimelineSource {
  timeline(channelId: string):
    | {
        annotate(fields: Record<string, unknown>): void;
        addEntry(entry: {
          at: string;
          type: CallEventRecord['type'];
          detail?: Record<string, unknown>;
        }): void;
      }
    | undefined;
}

export function recorderAnnotator(recorder: TimelineSource): CallAnnotator {
  return {
    annotate: (call: Call, fields) => recorder.timeline(call.channelId)?.annotate(fields),
    addEntry: (call: Call, entry) => recorder.timeline(call.channelId)?.addEntry(entry),
  };
}

export interface CreateAcdOptions {
  redis: Redis;
  prefix: string;
  engine: string;
  app: string;
  facts: FactSink;
  logger: Logger;
  db?: Knex;
  clock?: AcdClock;
  hooks?: ConversationHooks;
  recorder?: TimelineSource;
  configFile?: string;
  sounds?: Partial<AcdSounds>;
  dispatchIntervalMs?: number;
}

export interface AcdModule {
  acd: Acd;
  routes: RouteModule;
  /**
   * Gives the ACD the ARI connection (agents are rung and bridged through it) and, once it exists,
   * the call recorder (queue, agent and wait go on the call records).
   */
  attach(telephony: Telephony, recorder?: TimelineSource): void;
  close(): Promise<void>;
}

/**
 * Builds and starts the ACD: definitions from Postgres (seeded from `configFile`), live state in
 * Redis, routes for the API. The IVR's queue node calls `acd.enter(call, request)` (QueueService).
 */
export async function createAcd(options: CreateAcdOptions): Promise<AcdModule> {
  const store = options.db ? new AcdStore(options.db) : undefined;
  const acd = new Acd({
    redis: options.redis,
    prefix: options.prefix,
    engine: options.engine,
    app: options.app,
    facts: options.facts,
    logger: options.logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(store ? { store } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.recorder ? { annotator: recorderAnnotator(options.recorder) } : {}),
    ...(options.sounds ? { sounds: options.sounds } : {}),
    ...(options.dispatchIntervalMs ? { dispatchIntervalMs: options.dispatchIntervalMs } : {}),
  });
  const file = options.configFile ? await readAcdConfigFile(options.configFile) : undefined;
  if (file) {
    for (const r of file.pauseReasons) await acd.directory.putReason(r);
    for (const q of file.queues) await acd.directory.putQueue(q, `file ${options.configFile}`);
    for (const { login: _login, ...a } of file.agents) await acd.directory.putAgent(a);
  }
  await acd.start();
  if (file)
    for (const a of file.agents)
      if (a.login?.length) {
        const live = await acd.live.agent(a.id);
        if (!live || live.state === 'logged_out') await acd.agents.login(a.id, a.login, 'config');
      }
  return {
    acd,
    routes: registerAcdRoutes(acd, store),
    attach: (t, recorder) => acd.attach(t, recorder ? recorderAnnotator(recorder) : undefined),
    close: () => acd.stop(),
  };
}
