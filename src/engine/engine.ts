import type http from 'node:http';
import { Redis } from 'ioredis';
import { createApi, listen, postgresCheck, redisCheck } from '../api/index.js';
import { AriConnection, type Telephony } from '../ari/index.js';
import { createDialer } from '../dialer/index.js';
import { type RecordsPipeline, startRecordsPipeline } from '../cdr/pipeline.js';
import { assertNoEviction } from '../records/redis-policy.js';
import { registerReportRoutes } from '../reports/routes.js';
import { type FactsPipeline, startFactsPipeline } from '../facts/index.js';
import type { Config } from '../config/index.js';
import { createKnex, type Knex } from '../db/index.js';
import type { Logger } from '../log/index.js';
import type { EngineMetrics } from '../metrics/index.js';
import { createIvr } from '../ivr/index.js';
import { createLeadImportQueue, registerLeadRoutes } from '../leads/index.js';
import { type ContactCenter, createContactCenter } from './contact-center.js';
import { welcomeFlow } from './welcome-flow.js';

export interface Engine {
  server: http.Server;
  records: RecordsPipeline;
  /** Typed rows (survey answers, queue/agent events) on their way to Postgres. */
  facts: FactsPipeline;
  /** Resolves once the first connection to Asterisk is up (it retries until then). */
  ari: Promise<AriConnection>;
  /** The ACD and its companions (recording, supervision, transfers). */
  center: ContactCenter;
  close(): Promise<void>;
}

/**
 * The composition root: every feature is wired here, explicitly, from config. The HTTP API starts
 * first so /health can report an Asterisk that is not (yet) answering.
 */
export async function startEngine(config: Config, logger: Logger, metrics: EngineMetrics): Promise<Engine> {
  const db: Knex = createKnex(config.DATABASE_URL);
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  redis.on('error', (err) => logger.warn('redis error', { error: err.message }));
  // What start-up has opened so far, closed in reverse if a later step fails.
  const opened: Array<() => unknown> = [() => db.destroy(), () => redis.disconnect()];
  const step = async <T>(open: () => Promise<T>, close?: (value: T) => unknown): Promise<T> => {
    try {
      const value = await open();
      if (close) opened.push(() => close(value));
      return value;
    } catch (err) {
      for (const undo of opened.reverse()) await undo();
      throw err;
    }
  };

  // An evicting Redis silently drops queued records and live state: refuse to start on one.
  await step(async () => {
    await redis.connect();
    await assertNoEviction(redis);
  });

  // Facts do not depend on Asterisk: features may emit them (an agent logs in) before ARI is up.
  const facts = await step(
    () =>
      startFactsPipeline({
        redis,
        db,
        prefix: config.REDIS_PREFIX,
        dir: config.OUTBOX_DIR,
        name: config.ENGINE_NAME,
        logger,
      }),
    (f) => f.close(),
  );

  // Queues and agents (with recording, supervision, transfers and staffing maths), shared through Redis.
  const center = await step(() => createContactCenter({ config, db, redis, facts: facts.sink, logger }));

  // The IVR answers inbound calls when a flows folder is configured; otherwise the minimal flow does.
  const ivr = config.FLOWS_DIR
    ? createIvr({
        db,
        logger,
        dir: config.FLOWS_DIR,
        defaultLanguage: config.DEFAULT_LANGUAGE,
        facts: facts.sink,
        queues: center.acd,
        memberships: (agent) => center.memberships(agent),
      })
    : undefined;

  // Outbound campaigns: decisions and attempts in Postgres, pacing per engine; dialing starts with ARI.
  const dialer = createDialer({
    db,
    redis,
    prefix: `${config.REDIS_PREFIX}:`,
    logger,
    engine: config.ENGINE_NAME,
    trunk: config.DIALER_TRUNK,
    tickMs: config.DIALER_TICK_MS,
    agentlessLines: config.DIALER_AGENTLESS_LINES,
  });

  // Lead lists and do-not-call imports run as jobs on the worker; the API only stores and enqueues.
  const leadImports = createLeadImportQueue(
    redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true }),
    config.REDIS_PREFIX,
  );
  leadImports.on('error', (err) => logger.warn('lead import queue error', { error: err.message }));

  let connection: AriConnection | undefined;
  let closing = false;
  let records: RecordsPipeline | undefined;
  const outboxGauge = () => {
    const pending = { records: records?.outbox.size ?? 0, facts: facts.outbox.size };
    metrics.outboxPending.set({ outbox: 'records' }, pending.records);
    metrics.outboxPending.set({ outbox: 'facts' }, pending.facts);
    return pending;
  };
  const gaugeTimer = setInterval(outboxGauge, 5000);
  gaugeTimer.unref();
  const { app } = createApi({
    config,
    logger,
    metrics,
    db,
    routes: [
      registerReportRoutes(db),
      ...(ivr ? [ivr.routes] : []),
      ...center.routes,
      dialer.routes,
      registerLeadRoutes({
        db,
        queue: leadImports,
        uploadDir: config.LEADS_UPLOAD_DIR,
        maxUploadBytes: config.LEADS_MAX_UPLOAD_BYTES,
        maxNationalAgeDays: config.DNC_MAX_AGE_DAYS,
      }),
    ],
    health: {
      checks: {
        ari: async () =>
          connection?.connected
            ? { ok: true }
            : { ok: false, detail: connection ? 'events socket down, reconnecting' : 'not connected yet' },
        redis: redisCheck(redis),
        postgres: postgresCheck(db),
        // Never unhealthy by itself (the outbox is what keeps records safe while Redis is away), but visible.
        outbox: async () => {
          const pending = outboxGauge();
          return { ok: true, detail: `pending records ${pending.records}, facts ${pending.facts}` };
        },
      },
    },
  });
  const server = await listen(app, config.HTTP_HOST, config.HTTP_PORT);
  logger.info('HTTP API listening', { host: config.HTTP_HOST, port: config.HTTP_PORT });

  const ari = AriConnection.connect({
    url: config.ARI_URL,
    user: config.ARI_USER,
    password: config.ARI_PASSWORD,
    app: config.ARI_APP,
    logger,
    metrics,
    restTimeoutMs: config.ARI_REST_TIMEOUT_MS,
    reconnectMinMs: config.ARI_RECONNECT_MIN_MS,
    reconnectMaxMs: config.ARI_RECONNECT_MAX_MS,
    orphanPolicy: config.ARI_ORPHAN_POLICY,
  }).then(async (c) => {
    connection = c;
    if (closing) await c.close();
    records = await startRecordsPipeline({
      source: c,
      redis,
      db,
      prefix: config.REDIS_PREFIX,
      dir: config.OUTBOX_DIR,
      name: config.ENGINE_NAME,
      logger,
    });
    center.attach(c, records.recorder);
    if (config.DIALER_ENABLED) dialer.start(c);
    // An outbound leg that finishes AMD after its engine restarted enters Stasis(app,outbound,...)
    // with nobody expecting it: it is not an inbound caller, so it is released, not run as one.
    const inbound: Telephony = {
      onCall: (handler) =>
        c.onCall((call) => {
          if (call.args[0] === 'outbound') {
            call.log.warn('outbound leg with no campaign waiting for it; hanging up');
            return call.hangup('normal');
          }
          return handler(call);
        }),
      originate: (options) => c.originate(options),
      createBridge: (options) => c.createBridge(options),
    };
    const welcome = welcomeFlow({ welcomeSound: config.WELCOME_SOUND, language: config.DEFAULT_LANGUAGE });
    if (ivr) {
      await ivr.start({
        telephony: inbound,
        listSounds: () => c.rest.call('sounds', 'list'),
        recorder: records.recorder,
        fallback: welcome,
        stored: c.stored,
      });
    } else inbound.onCall(welcome);
    return c;
  });

  return {
    server,
    get records() {
      if (!records) throw new Error('records pipeline starts with the first ARI connection');
      return records;
    },
    ari,
    facts,
    center,
    async close() {
      closing = true;
      clearInterval(gaugeTimer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await dialer.close();
      await center.close();
      await connection?.close();
      await records?.close();
      await leadImports.close();
      await facts.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}
